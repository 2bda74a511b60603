import AccoladeCore
import Foundation

/// A clock for end-to-end tests of the binary: the system time plus a number of seconds read
/// from the file named by `ACCOLADE_TEST_CLOCK_FILE`, re-read when the file changes. A test moves
/// a whole running `serve` a day ahead by writing `86400` — a 24-hour `wait` times out without
/// anyone sleeping a day. Sleeps stay real (they only pace polling). Unset in production.
final class OffsetFileClock: WallClock, @unchecked Sendable {
    /// The environment variable naming the file.
    static let variable = "ACCOLADE_TEST_CLOCK_FILE"

    private let path: String
    private let lock = NSLock()
    private var modified: Date?
    private var offset: TimeInterval = 0

    init(path: String) {
        self.path = path
    }

    /// The clock the environment asks for: this one when the variable is set, else the system clock.
    static func fromEnvironment() -> any WallClock {
        guard let path = ProcessInfo.processInfo.environment[variable], !path.isEmpty else { return SystemWallClock() }
        return OffsetFileClock(path: path)
    }

    func now() -> Date {
        Date().addingTimeInterval(currentOffset())
    }

    func sleep(for duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }

    private func currentOffset() -> TimeInterval {
        let stamp = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
        lock.lock()
        defer { lock.unlock() }
        if stamp != modified {
            modified = stamp
            let text = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            offset = text.flatMap(TimeInterval.init) ?? 0
        }
        return offset
    }
}
