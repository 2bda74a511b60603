import AccoladeCore
import Foundation

/// What a worker knows about its connection to the store, kept apart from I/O: when it may call
/// again after a failure (capped exponential backoff with jitter), and how long it has been in
/// unbroken contact (the fencing rule for lease rescue).
///
/// **Why contact matters.** A store stall longer than the lease stops every worker's heartbeat,
/// so once the store answers again every live worker's leases look expired. A sweeper that
/// rescued at once would resend what live workers are still holding. So a worker rescues only
/// after it has itself been in contact without a break for a whole lease: a live owner answered
/// by the same store has by then written its pending outcomes and heartbeated (a reconnecting
/// worker does both before anything else, and its backoff is capped well below the lease), so
/// only a dead owner's leases are still expired.
struct StoreLink {
    /// Backoff and contact rules.
    struct Settings: Hashable {
        /// First retry delay after a failure.
        var baseDelay: TimeInterval = 0.05
        /// Longest retry delay; kept below a quarter of the lease so that a reconnecting worker
        /// heartbeats long before another worker's contact reaches a lease.
        var maxDelay: TimeInterval = 5
        /// Successful calls further apart than this (or one call taking longer) break contact.
        var gapLimit: TimeInterval
        /// Unbroken contact needed before rescuing other workers' leases.
        var lease: TimeInterval

        /// Settings for a worker with this lease: heartbeats every lease/3 keep contact within
        /// lease/2; retries back off to at most lease/4 (and 5 s).
        init(lease: TimeInterval) {
            self.lease = lease
            self.gapLimit = lease / 2
            self.maxDelay = min(5, lease / 4)
            self.baseDelay = min(0.05, maxDelay)
        }
    }

    let settings: Settings
    /// Failures since the last success.
    private(set) var failures = 0
    /// No store call before this (after a failure).
    private(set) var retryAt: Date?
    /// Start of the current unbroken contact; nil while broken.
    private(set) var contactSince: Date?
    /// When the last successful call finished.
    private(set) var lastContactAt: Date?
    /// When the current outage began; nil while the store answers.
    private(set) var downSince: Date?

    init(settings: Settings) {
        self.settings = settings
    }

    /// Whether the last call failed (the store counts as away until one succeeds).
    var isAway: Bool { failures > 0 }

    /// Whether a store call may be made now.
    func mayCall(now: Date) -> Bool { retryAt.map { now >= $0 } ?? true }

    /// Whether contact has lasted a whole lease without a break: lease rescue is safe.
    func mayRescue(now: Date) -> Bool {
        guard let since = contactSince, !isAway else { return false }
        return now.timeIntervalSince(since) >= settings.lease
    }

    /// Records a successful call that started at `started` and finished at `now`. Returns how long
    /// the store had been away when this success ends an outage.
    @discardableResult
    mutating func succeeded(started: Date, now: Date) -> TimeInterval? {
        let gap = lastContactAt.map { now.timeIntervalSince($0) } ?? .infinity
        if contactSince == nil || gap > settings.gapLimit || now.timeIntervalSince(started) > settings.gapLimit {
            contactSince = now
        }
        lastContactAt = now
        let outage = downSince.map { now.timeIntervalSince($0) }
        failures = 0
        retryAt = nil
        downSince = nil
        return outage
    }

    /// Records a failed call; returns the delay before the next one. A `permanent` fault (one
    /// that needs an operator) waits the longest delay at once rather than spinning.
    @discardableResult
    mutating func failed(now: Date, permanent: Bool = false, using rng: inout some RandomNumberGenerator) -> TimeInterval {
        failures += 1
        contactSince = nil
        if downSince == nil { downSince = now }
        let delay = Self.delay(afterFailures: permanent ? 64 : failures, settings: settings, using: &rng)
        retryAt = now.addingTimeInterval(delay)
        return delay
    }

    /// `base · 2^(n-1)` capped at `maxDelay`, with equal jitter (half fixed, half random), so a
    /// fleet of workers that lost the store together does not return in lockstep.
    static func delay(afterFailures n: Int, settings: Settings, using rng: inout some RandomNumberGenerator) -> TimeInterval {
        let full = min(settings.maxDelay, settings.baseDelay * pow(2, Double(max(0, min(n - 1, 30)))))
        return full / 2 + Double.random(in: 0...(full / 2), using: &rng)
    }
}
