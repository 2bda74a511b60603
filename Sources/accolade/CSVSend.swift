import AccoladeCore
import AccoladeRuntime
import Foundation

/// Bulk send from a CSV file: chunks of rows enqueued in one transaction each, a progress bar on a
/// terminal, and a summary where a bad row rejects only itself.
struct CSVSend {
    let global: GlobalOptions
    let dispatcher: Dispatcher
    let path: String
    let base: SendRequest
    static let chunkSize = 500

    struct Summary: Encodable {
        var rows = 0
        var accepted = 0
        var replayed = 0
        var rejected: [Rejection] = []
        var elapsedSeconds = 0.0

        struct Rejection: Encodable {
            var line: Int
            var reason: String
        }

        enum CodingKeys: String, CodingKey {
            case rows, accepted, replayed, rejected
            case elapsedSeconds = "elapsed_seconds"
        }
    }

    func run() async throws {
        guard let bytes = FileManager.default.contents(atPath: path), let text = String(data: bytes, encoding: .utf8) else {
            throw CommandFailure(message: "--csv: cannot read \(path) as UTF-8 text", exitCode: 2)
        }
        let rows: [CSVSendRows.Row]
        do {
            rows = try CSVSendRows.rows(csv: text, template: base)
        } catch {
            throw CommandFailure(message: "--csv \(path): \(error)", exitCode: 2)
        }
        let started = Date()
        var summary = Summary(rows: rows.count)
        let progress = ProgressBar(total: rows.count, enabled: !global.json && isatty(STDERR_FILENO) == 1)
        var done = 0
        for start in stride(from: 0, to: rows.count, by: Self.chunkSize) {
            let chunk = rows[start..<min(start + Self.chunkSize, rows.count)]
            var requests: [(line: Int, request: SendRequest)] = []
            for row in chunk {
                switch row.result {
                case .success(let request): requests.append((row.line, request))
                case .failure(let error): summary.rejected.append(.init(line: row.line, reason: error.reason))
                }
            }
            let outcomes = try await dispatcher.send(requests.map(\.request))
            for ((line, _), outcome) in zip(requests, outcomes) {
                switch outcome {
                case .accepted: summary.accepted += 1
                case .replayed: summary.replayed += 1
                case .rejected(let why): summary.rejected.append(.init(line: line, reason: why.description))
                }
            }
            done += chunk.count
            progress.update(done: done, accepted: summary.accepted + summary.replayed, rejected: summary.rejected.count)
        }
        progress.finish()
        summary.rejected.sort { $0.line < $1.line }
        summary.elapsedSeconds = Date().timeIntervalSince(started)
        if global.json {
            Output.printJSON(summary)
        } else {
            print("\(summary.rows) rows: \(summary.accepted) queued, \(summary.replayed) already queued (same idempotency key), \(summary.rejected.count) rejected in \(String(format: "%.2f", summary.elapsedSeconds)) s")
            for r in summary.rejected.prefix(50) { print("  line \(r.line): \(r.reason)") }
            if summary.rejected.count > 50 { print("  … and \(summary.rejected.count - 50) more (use --json for all)") }
        }
        if !summary.rejected.isEmpty { throw ExitCodeError.someRowsRejected }
    }
}

/// Exit 3 when a CSV had rejected rows (the rest were queued).
enum ExitCodeError: Error {
    case someRowsRejected
}

/// A one-line progress bar on stderr, redrawn at most ~10 times a second.
final class ProgressBar {
    let total: Int
    let enabled: Bool
    private var lastDraw = Date.distantPast

    init(total: Int, enabled: Bool) {
        self.total = total
        self.enabled = enabled
    }

    func update(done: Int, accepted: Int, rejected: Int) {
        guard enabled, Date().timeIntervalSince(lastDraw) > 0.1 || done == total else { return }
        lastDraw = Date()
        let width = 30
        let filled = total == 0 ? width : width * done / total
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let line = "\r\(bar) \(done)/\(total)  queued \(accepted)  rejected \(rejected)"
        try? FileHandle.standardError.write(contentsOf: Data(line.utf8))
    }

    func finish() {
        if enabled { try? FileHandle.standardError.write(contentsOf: Data("\n".utf8)) }
    }
}
