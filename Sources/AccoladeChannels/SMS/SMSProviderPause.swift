import Foundation

/// A provider paused because its configuration is refused (credentials, TLS certificate), as a
/// pure state machine: it decides, the caller acts; time comes in as arguments.
///
/// ```
/// active ──(misconfigured)──► paused(until)
/// paused ──(until reached)──► probing: one request allowed
/// probing ──works──► active     probing ──misconfigured again──► paused (twice as long, capped)
/// probing ──inconclusive (provider down)──► paused (same length)
/// ```
/// Unlike the ``CircuitBreaker`` one failure is enough (the answer will be the same for every
/// message) and the wait is longer: nothing changes until an operator fixes the key. This pauses
/// one provider so that another of the channel takes over; when none can, the channel reports
/// `.misconfigured` and the worker pauses the whole channel.
public struct SMSProviderPause: Sendable, Hashable {
    /// Tuning.
    public struct Settings: Sendable, Hashable {
        /// The first pause; each failed probe doubles it.
        public var initialDuration: TimeInterval
        /// Upper bound of the doubled pause.
        public var maxDuration: TimeInterval

        /// Creates settings (defaults: 30 s doubling to at most 5 min).
        public init(initialDuration: TimeInterval = 30, maxDuration: TimeInterval = 300) {
            self.initialDuration = max(0.001, initialDuration)
            self.maxDuration = max(self.initialDuration, maxDuration)
        }
    }

    /// Where the provider stands.
    public enum State: Sendable, Hashable {
        /// Not paused.
        case active
        /// Refused until `until`; `key` is the configuration key to fix, `pauses` counts consecutive pauses.
        case paused(until: Date, pauses: Int, key: String)
        /// One probe is out since `started`.
        case probing(started: Date, pauses: Int, key: String)
    }

    /// What the caller may do now.
    public enum Decision: Sendable, Hashable {
        /// Send normally.
        case allow
        /// Send as the single probe of a paused provider.
        case probe
        /// Do not send before `retryAt`; `key` is what to fix.
        case reject(retryAt: Date, key: String)
    }

    /// Current state.
    public private(set) var state: State = .active
    /// Tuning.
    public let settings: Settings

    /// Creates an active (unpaused) provider.
    public init(settings: Settings = Settings()) {
        self.settings = settings
    }

    /// Whether a request may go out at `now`; moves paused → probing when the wait is over.
    public mutating func decide(now: Date) -> Decision {
        switch state {
        case .active:
            return .allow
        case .paused(let until, let pauses, let key):
            guard now >= until else { return .reject(retryAt: until, key: key) }
            state = .probing(started: now, pauses: pauses, key: key)
            return .probe
        case .probing(let started, let pauses, let key):
            // A probe that never reported (its task was cancelled) must not wedge the provider.
            let stale = started.addingTimeInterval(duration(pauses))
            if now >= stale {
                state = .probing(started: now, pauses: pauses, key: key)
                return .probe
            }
            return .reject(retryAt: stale, key: key)
        }
    }

    /// Records a misconfiguration answer at `now`; returns true when it paused an active provider
    /// (the moment to alert), false when it only extended a pause.
    @discardableResult
    public mutating func recordMisconfigured(key: String, now: Date) -> Bool {
        switch state {
        case .active:
            state = .paused(until: now.addingTimeInterval(duration(1)), pauses: 1, key: key)
            return true
        case .probing(_, let pauses, _):
            state = .paused(until: now.addingTimeInterval(duration(pauses + 1)), pauses: pauses + 1, key: key)
            return false
        case .paused:
            // A request that started before the pause: already paused, nothing changes.
            return false
        }
    }

    /// Records an answer that proves the configuration works (a success, or a refusal about the
    /// message itself); returns true when it ended a pause.
    @discardableResult
    public mutating func recordWorking() -> Bool {
        guard case .active = state else {
            state = .active
            return true
        }
        return false
    }

    /// Records an answer that says nothing about the configuration (connection refused, 5xx): a
    /// probe that got one goes back to waiting for the same length, so an outage neither ends nor
    /// lengthens the pause.
    public mutating func recordInconclusive(now: Date) {
        if case .probing(_, let pauses, let key) = state {
            state = .paused(until: now.addingTimeInterval(duration(pauses)), pauses: pauses, key: key)
        }
    }

    /// The key to fix while paused or probing, nil when active.
    public var pausedKey: String? {
        switch state {
        case .active: nil
        case .paused(_, _, let key), .probing(_, _, let key): key
        }
    }

    private func duration(_ pauses: Int) -> TimeInterval {
        let doubled = settings.initialDuration * pow(2, Double(max(0, min(pauses - 1, 20))))
        return min(doubled, settings.maxDuration)
    }
}
