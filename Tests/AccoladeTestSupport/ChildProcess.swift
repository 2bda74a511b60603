import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process started by a test with `posix_spawn(3)`, stopped and reaped by PID.
///
/// Foundation's `Process` is not used for children: swift-corelibs emulates "close every other
/// descriptor" by listing `/proc/self/fd` and copying each whole 256-byte entry name, which ran off
/// its buffer and crashed the test process once about 1,400 descriptors were open (the suites hold
/// many sockets and stores at once). Here glibc's `posix_spawn_file_actions_addclosefrom_np` closes
/// them in the child instead, so the parent's descriptor count does not matter.
///
/// The child also starts with an empty signal mask and default dispositions: threads of Swift's
/// concurrency pool block SIGTERM and the test runner ignores SIGPIPE, and a child would inherit both.
public final class ChildProcess: @unchecked Sendable {
    /// Where one of the child's standard streams goes.
    public enum Stream {
        /// `/dev/null`.
        case null
        /// This file (the caller keeps ownership of the handle).
        case file(FileHandle)
        /// This pipe: the child gets the pipe's far end and the parent's copy of it is closed after
        /// the spawn, so the parent sees end-of-file when the child exits.
        case pipe(Pipe)
    }

    /// The child's process ID.
    public let processIdentifier: pid_t
    private let lock = NSLock()
    private var exitStatus: Int32?

    /// Starts `executable` with `arguments` (without `argv[0]`, which is `executable`).
    /// - Parameters:
    ///   - environment: the child's whole environment; `nil` inherits this process's.
    ///   - directory: the child's working directory; `nil` inherits this process's.
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, directory: String? = nil,
        stdin: Stream = .null, stdout: Stream = .null, stderr: Stream = .null
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (stream, target) in [(stdin, STDIN_FILENO), (stdout, STDOUT_FILENO), (stderr, STDERR_FILENO)] {
            switch stream {
            case .null:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == STDIN_FILENO ? O_RDONLY : O_WRONLY, 0)
            case .file(let handle):
                posix_spawn_file_actions_adddup2(&actions, handle.fileDescriptor, target)
            case .pipe(let pipe):
                let end = target == STDIN_FILENO ? pipe.fileHandleForReading : pipe.fileHandleForWriting
                posix_spawn_file_actions_adddup2(&actions, end.fileDescriptor, target)
            }
        }
        guard Self.addCloseFrom(&actions, 3) == 0 else { throw ChildProcessError.spawn(executable, errno: errno) }
        if let directory, Self.addChdir(&actions, directory) != 0 { throw ChildProcessError.spawn(executable, errno: errno) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let environ = environment ?? ProcessInfo.processInfo.environment
        let envp = environ.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }

        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else { throw ChildProcessError.spawn(executable, errno: result) }
        processIdentifier = pid
        // The parent's copies of the child's pipe ends must go, or reading the pipe never ends.
        for (stream, target) in [(stdin, STDIN_FILENO), (stdout, STDOUT_FILENO), (stderr, STDERR_FILENO)] {
            if case .pipe(let pipe) = stream {
                try? (target == STDIN_FILENO ? pipe.fileHandleForReading : pipe.fileHandleForWriting).close()
            }
        }
    }

    // glibc's `_np` spawn actions (2.34 and 2.29) are declared only under _GNU_SOURCE, which the
    // Glibc module does not define, so they are looked up by name.
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    private static let addCloseFrom: AddCloseFrom = unsafeBitCast(symbol("posix_spawn_file_actions_addclosefrom_np"), to: AddCloseFrom.self)
    private static let addChdir: AddChdir = unsafeBitCast(symbol("posix_spawn_file_actions_addchdir_np"), to: AddChdir.self)

    private static func symbol(_ name: String) -> UnsafeMutableRawPointer {
        guard let address = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else {
            fatalError("\(name) is missing: the tests need glibc 2.34 or later")
        }
        return address
    }

    deinit {
        // Reap a child that has already exited, so it does not stay a zombie for the rest of the run.
        _ = reap(blocking: false)
    }

    /// Whether the child has not exited yet (reaps it once it has).
    public var isRunning: Bool { reap(blocking: false) == nil }

    /// Blocks until the child exits.
    public func waitUntilExit() { _ = reap(blocking: true) }

    /// The exit code, or 128 + the signal that ended the child (as a shell reports it). Waits for the exit.
    public var terminationStatus: Int32 { reap(blocking: true) ?? -1 }

    /// Waits for the exit without blocking a thread of the concurrency pool.
    public func exitStatus() async -> Int32 {
        while true {
            if let status = reap(blocking: false) { return status }
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Sends SIGTERM.
    public func terminate() { kill(processIdentifier, SIGTERM) }

    /// Polls `waitpid(WNOHANG)`: two threads may wait for the same child, and a blocking `waitpid`
    /// in one would leave the other with ECHILD and no status.
    private func reap(blocking: Bool) -> Int32? {
        while true {
            let status: Int32? = lock.withLock {
                if let exitStatus { return exitStatus }
                var raw: Int32 = 0
                let reaped = waitpid(processIdentifier, &raw, WNOHANG)
                guard reaped == processIdentifier else {
                    // ECHILD: someone else reaped it, so it is gone; report it as killed.
                    if reaped == -1 && errno == ECHILD { exitStatus = 128 + SIGKILL }
                    return exitStatus
                }
                let signal = raw & 0x7f
                exitStatus = signal == 0 ? (raw >> 8) & 0xff : 128 + signal
                return exitStatus
            }
            if status != nil || !blocking { return status }
            usleep(2_000)
        }
    }
}

/// Why a child process did not start.
public enum ChildProcessError: Error, CustomStringConvertible {
    case spawn(String, errno: Int32)

    public var description: String {
        switch self {
        case .spawn(let executable, let code): "could not start \(executable): \(String(cString: strerror(code))); is it installed?"
        }
    }
}
