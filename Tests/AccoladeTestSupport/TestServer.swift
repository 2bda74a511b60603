import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A helper process (a Python test server, postfix's smtp-sink) started by a test and stopped by PID.
///
/// Pattern for other suites (copy it for end-to-end tests):
/// ```swift
/// let server = try TestServer.python("smtp_capture.py", ["--dir", dir.path])
/// defer { server.stop() }
/// // talk to 127.0.0.1:\(server.port)
/// ```
/// Python servers print their bound port (they bind port 0) as the first stdout line.
public final class TestServer: @unchecked Sendable {
    /// The running process.
    public let process: ChildProcess
    /// The loopback port the server listens on.
    public let port: Int
    /// The server's stdout after the port line (Python servers only).
    private let output: Pipe?

    private init(process: ChildProcess, port: Int, output: Pipe? = nil) {
        self.process = process
        self.port = port
        self.output = output
    }

    deinit { stop() }

    /// Repository root, found from this file's path (Tests/AccoladeTestSupport/…).
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Starts `scripts/test-servers/<script>` under Debian's `/usr/bin/python3` and reads its port.
    public static func python(_ script: String, _ arguments: [String] = [], timeout: Duration = .seconds(10)) throws -> TestServer {
        let path = repositoryRoot.appendingPathComponent("scripts/test-servers/\(script)").path
        let stdout = Pipe()
        let process = try launch("/usr/bin/python3", [path] + arguments, stdout: stdout)
        guard let line = readLine(from: stdout.fileHandleForReading.fileDescriptor, timeout: timeout), let port = Int(line) else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw TestServerError.noPort(script)
        }
        return TestServer(process: process, port: port, output: stdout)
    }

    /// Sends `signal` to the server (e.g. SIGHUP: `smtp_tls.py` reloads its certificate).
    public func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// The next line the server prints after its port (e.g. `reloaded`), or nil after `timeout`.
    public func nextLine(timeout: Duration = .seconds(10)) -> String? {
        output.flatMap { Self.readLine(from: $0.fileHandleForReading.fileDescriptor, timeout: timeout) }
    }

    /// Starts a program that takes its port on the command line (`{port}` in `arguments` is
    /// replaced by a free port), then waits until that port accepts connections.
    public static func program(_ executable: String, _ arguments: [String], timeout: Duration = .seconds(10)) throws -> TestServer {
        let port = try FreePort.pick()
        let process = try launch(executable, arguments.map { $0.replacingOccurrences(of: "{port}", with: "\(port)") }, stdout: nil)
        let server = TestServer(process: process, port: port)
        let deadline = ContinuousClock.now + timeout
        // Bounded readiness probe: a server that failed to bind exits, and another process may own the port.
        while !FreePort.accepts(port) {
            guard process.isRunning, ContinuousClock.now < deadline else {
                server.stop()
                throw TestServerError.notListening(executable)
            }
            usleep(20_000)
        }
        guard process.isRunning else { throw TestServerError.notListening(executable) }
        return server
    }

    /// SIGTERM, then SIGKILL if the process is still alive after two seconds. Idempotent.
    public func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        for _ in 0..<200 where process.isRunning { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    static func launch(_ executable: String, _ arguments: [String], stdout: Pipe?) throws -> ChildProcess {
        try ChildProcess(executable, arguments, stdout: stdout.map(ChildProcess.Stream.pipe) ?? .null)
    }

    /// Reads one line with a deadline using poll(2), so a silent child cannot hang the test.
    private static func readLine(from fd: Int32, timeout: Duration) -> String? {
        var bytes: [UInt8] = []
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let remaining = deadline - ContinuousClock.now
            let ms = Int32(max(1, remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000))
            guard poll(&pfd, 1, ms) > 0 else { continue }
            var byte: UInt8 = 0
            guard read(fd, &byte, 1) == 1 else { return nil }
            if byte == 0x0A { return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespaces) }
            bytes.append(byte)
        }
        return nil
    }
}

/// Why a test server did not come up.
public enum TestServerError: Error, CustomStringConvertible {
    case noPort(String)
    case notListening(String)

    public var description: String {
        switch self {
        case .noPort(let script): "\(script) did not print its port; run it by hand with /usr/bin/python3 to see why"
        case .notListening(let program): "\(program) did not start listening; is it installed and is the port free?"
        }
    }
}
