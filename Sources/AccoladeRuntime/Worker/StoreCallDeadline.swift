import AccoladeCore
import Foundation
import Synchronization

/// A store call that neither answered nor failed in time, and was abandoned.
struct StoreCallTimeout: Error, CustomStringConvertible {
    /// What the worker was doing.
    var operation: String
    /// How long it waited.
    var seconds: TimeInterval

    var description: String {
        "no answer from the store within \(String(format: "%.1f", seconds)) s to \(operation); the call was abandoned "
            + "(a lost connection the driver did not notice, or a lock held elsewhere)"
    }
}

/// Runs store calls with a deadline, so that a call that never returns — a database driver that
/// lost its connection without noticing, as seen with PostgreSQL restarted under load — cannot
/// wedge the worker: its heartbeats would stop, another worker would rescue and resend its live
/// claims, and SIGTERM would go unanswered.
///
/// An abandoned call is cancelled and left to finish on its own. That is safe for every call
/// the worker makes: outcome writes and rescues apply only while the lease owner matches (a
/// late duplicate is a no-op), heartbeats only extend, and a claim that commits after all is not
/// among the deliveries the worker spares, so its lease expires and it is rescued like any other.
struct StoreCallDeadline: Sendable {
    /// How long a call may take.
    let seconds: TimeInterval
    let clock: any WallClock

    /// `body`'s result, or ``StoreCallTimeout`` once `seconds` have passed.
    func run<T: Sendable>(_ operation: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let race = Race<T>()
        let seconds = self.seconds
        let clock = self.clock
        return try await withCheckedThrowingContinuation { continuation in
            race.pending.withLock { $0 = continuation }
            let work = Task {
                let result: Result<T, any Error>
                do { result = .success(try await body()) } catch { result = .failure(error) }
                race.watchdog.withLock { $0 }?.cancel()
                race.pending.withLock { $0.take() }?.resume(with: result)
            }
            let watchdog = Task {
                try? await clock.sleep(for: .milliseconds(ofSeconds: seconds))
                guard !Task.isCancelled, let waiting = race.pending.withLock({ $0.take() }) else { return }
                work.cancel()
                waiting.resume(throwing: StoreCallTimeout(operation: operation, seconds: seconds))
            }
            race.watchdog.withLock { $0 = watchdog }
            // The work may have finished before the watchdog was stored.
            if race.pending.withLock({ $0 == nil }) { watchdog.cancel() }
        }
    }

    /// Whoever takes the continuation first answers the caller.
    private final class Race<T: Sendable>: Sendable {
        let pending = Mutex<CheckedContinuation<T, any Error>?>(nil)
        let watchdog = Mutex<Task<Void, Never>?>(nil)
    }
}
