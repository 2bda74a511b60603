import AccoladeTestSupport
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs the built `accolade` binary in a throw-away workspace (its own SQLite file and config).
final class Workspace: @unchecked Sendable {
    let directory: TemporaryDirectory
    let configPath: String

    /// The binary next to the test bundle (`swift build` puts both in one folder), or `$ACCOLADE_BIN`.
    static let binary: String = {
        if let bin = ProcessInfo.processInfo.environment["ACCOLADE_BIN"] { return bin }
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("accolade").path
    }()

    /// Creates a workspace whose email channel points at `smtpPort`; `channels` adds YAML lines
    /// under `channels:` (indented by four spaces), `email` lines under `channels.email` (six
    /// spaces) and `extra` top-level sections (`server:`).
    init(
        smtpPort: Int, timeout: String = "5s", maxAttempts: Int = 4, lease: String = "3s", grace: String = "2s",
        concurrency: Int = 32, postgresURL: String? = nil, channels: String = "", email: String = "", extra: String = ""
    ) throws {
        directory = try TemporaryDirectory()
        configPath = directory.url.appendingPathComponent("accolade.yml").path
        let store = postgresURL.map { "postgres: \($0)" } ?? "sqlite: \(directory.path)/queue.sqlite"
        let yaml = """
            store:
              \(store)
            templates: \(TestServer.repositoryRoot.appendingPathComponent("templates").path)
            log_level: warning
            channels:
              email:
                from: "Acme Rewards <rewards@acme.example>"
                smtp:
                  url: smtp://127.0.0.1:\(smtpPort)
                  starttls: never
                  connect_timeout: 2s
                  timeout: \(timeout)
                  max_connections: 8
            \(email)
            \(channels)
            worker:
              concurrency: \(concurrency)
              batch_size: 64
              lease: \(lease)
              poll_interval: 50ms
              shutdown_grace: \(grace)
              retry: { max_attempts: \(maxAttempts), base_delay: 100ms, max_delay: 400ms }
            \(extra)
            """
        try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String

        /// Decodes stdout as JSON.
        func json() throws -> Any { try JSONSerialization.jsonObject(with: Data(stdout.utf8)) }
    }

    /// Starts `accolade` without waiting; stdout and stderr go to files read by ``output(of:)``.
    /// `environment` adds to (or overrides) the test process's variables.
    /// `stdin` is a file the process reads as its standard input (`/dev/null` when nil).
    func start(_ arguments: [String], environment: [String: String] = [:], stdin: String? = nil) throws -> ChildProcess {
        let id = UUID().uuidString
        let out = directory.url.appendingPathComponent("\(id).out")
        let err = directory.url.appendingPathComponent("\(id).err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = try ChildProcess(
            Self.binary, arguments.contains("--config") ? arguments : arguments + ["--config", configPath],
            environment: environment.isEmpty ? nil : ProcessInfo.processInfo.environment.merging(environment) { $1 },
            directory: directory.path, stdin: try stdin.map { .file(try FileHandle(forReadingFrom: URL(fileURLWithPath: $0))) } ?? .null,
            stdout: .file(try FileHandle(forWritingTo: out)), stderr: .file(try FileHandle(forWritingTo: err)))
        outputs[ObjectIdentifier(process)] = (out, err)
        return process
    }

    private var outputs: [ObjectIdentifier: (URL, URL)] = [:]

    /// What a started process wrote so far.
    func output(of process: ChildProcess) -> (stdout: String, stderr: String) {
        guard let (out, err) = outputs[ObjectIdentifier(process)] else { return ("", "") }
        return ((try? String(contentsOf: out, encoding: .utf8)) ?? "", (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    /// Runs `accolade <arguments> --config <workspace config>` to completion.
    func call(_ arguments: [String], stdin: String? = nil) throws -> Result {
        let process = try start(arguments, stdin: stdin)
        process.waitUntilExit()
        let (out, err) = output(of: process)
        return Result(status: process.terminationStatus, stdout: out, stderr: err)
    }

    /// Writes a file in the workspace and returns its path.
    func write(_ name: String, _ contents: String) throws -> String {
        let path = directory.url.appendingPathComponent(name).path
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Counts of deliveries by state (`accolade stats --json`).
    func stats() throws -> [String: Int] {
        let r = try call(["stats", "--json"])
        // Counts by state; `paused` (a list of paused channels) is not a count.
        let object = (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8))) as? [String: Any] ?? [:]
        return object.compactMapValues { $0 as? Int }
    }
}

/// Reads what `smtp_capture.py` stored.
struct Capture {
    let directory: TemporaryDirectory

    /// Number of messages received so far.
    var count: Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".json") }.count
    }

    /// Message number `n` (1-based) as parsed by the server.
    func message(_ n: Int) throws -> [String: Any] {
        let data = try Data(contentsOf: directory.url.appendingPathComponent("\(n).json"))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }
}

/// Waits (bounded) until `condition` holds.
func eventually(timeout: Duration = .seconds(30), _ condition: () throws -> Bool) throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        usleep(20_000)
    }
    return false
}
