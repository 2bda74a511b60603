import Foundation

/// A per-provider circuit breaker as a pure state machine: it decides, the caller acts.
///
/// ```
/// closed ──(failureThreshold consecutive provider failures)──► open(until)
/// open ──(until reached)──► half-open: one probe request allowed
/// half-open ──probe succeeds──► closed      half-open ──probe fails──► open (longer)
/// ```
/// Only failures that say the *provider* is unwell count (connection errors, 5xx, throttling);
/// a bad number or an opted-out recipient does not. Time comes in as arguments, so tests drive
/// it without clocks or sleeps.
public struct CircuitBreaker: Sendable, Hashable {
    /// Tuning.
    public struct Settings: Sendable, Hashable {
        /// Consecutive provider failures that open the circuit.
        public var failureThreshold: Int
        /// How long the first opening lasts; each failed probe doubles it.
        public var openDuration: TimeInterval
        /// Upper bound of the doubled opening.
        public var maxOpenDuration: TimeInterval

        /// Creates settings (defaults: 5 failures, 30 s, at most 5 min).
        public init(failureThreshold: Int = 5, openDuration: TimeInterval = 30, maxOpenDuration: TimeInterval = 300) {
            self.failureThreshold = max(1, failureThreshold)
            self.openDuration = max(0.001, openDuration)
            self.maxOpenDuration = max(self.openDuration, maxOpenDuration)
        }
    }

    /// Where the breaker stands.
    public enum State: Sendable, Hashable {
        /// Requests flow; `failures` consecutive provider failures so far.
        case closed(failures: Int)
        /// Requests are refused until `until`; `openings` counts consecutive openings.
        case open(until: Date, openings: Int)
        /// One probe is in flight since `probeStarted`; others are refused.
        case halfOpen(probeStarted: Date, openings: Int)
    }

    /// What the caller may do now.
    public enum Decision: Sendable, Hashable {
        /// Send normally.
        case allow
        /// Send as the single probe of a half-open circuit.
        case probe
        /// Do not send; the provider may be tried again at `retryAt`.
        case reject(retryAt: Date)
    }

    /// Current state.
    public private(set) var state: State = .closed(failures: 0)
    /// Tuning.
    public let settings: Settings

    /// Creates a closed breaker.
    public init(settings: Settings = Settings()) {
        self.settings = settings
    }

    /// Whether a request may go out at `now`; moves open → half-open when the wait is over.
    public mutating func decide(now: Date) -> Decision {
        switch state {
        case .closed:
            return .allow
        case .open(let until, let openings):
            guard now >= until else { return .reject(retryAt: until) }
            state = .halfOpen(probeStarted: now, openings: openings)
            return .probe
        case .halfOpen(let started, let openings):
            // A probe that never reported (its task was cancelled) must not wedge the breaker.
            let stale = started.addingTimeInterval(openDuration(openings))
            if now >= stale {
                state = .halfOpen(probeStarted: now, openings: openings)
                return .probe
            }
            return .reject(retryAt: stale)
        }
    }

    /// Records a success: any state closes.
    public mutating func recordSuccess() {
        state = .closed(failures: 0)
    }

    /// Records a provider failure at `now`; returns true when this failure opened the circuit.
    @discardableResult
    public mutating func recordFailure(now: Date) -> Bool {
        switch state {
        case .closed(let failures):
            let count = failures + 1
            guard count >= settings.failureThreshold else {
                state = .closed(failures: count)
                return false
            }
            state = .open(until: now.addingTimeInterval(openDuration(1)), openings: 1)
            return true
        case .halfOpen(_, let openings):
            state = .open(until: now.addingTimeInterval(openDuration(openings + 1)), openings: openings + 1)
            return true
        case .open:
            // A request that started before the circuit opened: already open, nothing changes.
            return false
        }
    }

    /// Whether requests are currently refused (open, or half-open with a probe out).
    public var isOpen: Bool {
        if case .closed = state { return false }
        return true
    }

    private func openDuration(_ openings: Int) -> TimeInterval {
        let doubled = settings.openDuration * pow(2, Double(max(0, min(openings - 1, 20))))
        return min(doubled, settings.maxOpenDuration)
    }
}
