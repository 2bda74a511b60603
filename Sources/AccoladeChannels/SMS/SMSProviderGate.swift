import Foundation
import Synchronization

/// One provider's misconfiguration pause, circuit breaker and rate limiter behind a lock, shared by
/// concurrent deliveries.
///
/// The decisions live in the pure ``SMSProviderPause``, ``CircuitBreaker`` and ``TokenBucket``; this
/// type only serialises access and applies a provider's answer to all three.
public final class SMSProviderGate: Sendable {
    /// Whether a delivery may use the provider now.
    public enum Admission: Sendable, Hashable {
        /// Go ahead after `wait` seconds (0 = now); `probe` when testing a half-open circuit.
        case go(wait: TimeInterval, probe: Bool)
        /// Skip this provider; it may be tried again at `retryAt`.
        case skip(retryAt: Date, reason: String)
        /// Skip this provider: it is paused until `retryAt` because its configuration key `key` is refused.
        case paused(retryAt: Date, key: String)
    }

    /// What an answer changed, for the channel's log and metrics.
    public enum Event: Sendable, Hashable {
        /// Nothing worth reporting.
        case none
        /// The answer opened the circuit.
        case circuitOpened
        /// The answer paused the provider until `key` is fixed.
        case paused(key: String)
        /// The answer ended a pause: the configuration works again.
        case resumed
    }

    private struct State {
        var pause: SMSProviderPause
        var breaker: CircuitBreaker
        var bucket: TokenBucket?
    }

    private let state: Mutex<State>

    /// Creates a gate; `ratePerSecond` nil means no local rate limit.
    public init(breaker: CircuitBreaker.Settings, ratePerSecond: Double?, now: Date, pause: SMSProviderPause.Settings = .init()) {
        state = Mutex(State(
            pause: SMSProviderPause(settings: pause),
            breaker: CircuitBreaker(settings: breaker),
            bucket: ratePerSecond.map { TokenBucket(settings: .init(ratePerSecond: $0), now: now) }))
    }

    /// Asks pause, breaker, then bucket; nothing is taken unless all agree.
    public func admit(now: Date, maxWait: TimeInterval) -> Admission {
        state.withLock { state in
            var pause = state.pause
            var probe = false
            switch pause.decide(now: now) {
            case .reject(let retryAt, let key): return .paused(retryAt: retryAt, key: key)
            case .allow: break
            case .probe: probe = true
            }
            var breaker = state.breaker
            switch breaker.decide(now: now) {
            case .reject(let retryAt): return .skip(retryAt: retryAt, reason: "circuit open")
            case .allow: break
            case .probe: probe = true
            }
            var wait: TimeInterval = 0
            if var bucket = state.bucket {
                guard let w = bucket.reserve(now: now, maxWait: maxWait) else {
                    return .skip(retryAt: now.addingTimeInterval(bucket.timeUntilAvailable(now: now)), reason: "rate limit")
                }
                wait = w
                state.bucket = bucket
            }
            state.breaker = breaker
            state.pause = pause
            return .go(wait: wait, probe: probe)
        }
    }

    /// Applies a provider's answer: a misconfiguration pauses the provider (the breaker is not
    /// charged: the pause already keeps traffic away); successes and message/route failures prove
    /// the provider healthy and configured; other provider failures count towards opening the
    /// circuit; throttling slows the bucket down.
    @discardableResult
    public func record(_ outcome: Result<Void, SMSProviderFailure>, now: Date) -> Event {
        state.withLock { state in
            guard case .failure(let failure) = outcome else {
                state.breaker.recordSuccess()
                return state.pause.recordWorking() ? .resumed : .none
            }
            if case .misconfigured(let key) = failure.error.disposition {
                return state.pause.recordMisconfigured(key: key, now: now) ? .paused(key: key) : .none
            }
            if case .rateLimited(let after) = failure.error.disposition {
                state.bucket?.backOff(now: now, retryAfter: after?.seconds)
            }
            guard failure.scope == .provider else {
                state.breaker.recordSuccess()
                return state.pause.recordWorking() ? .resumed : .none
            }
            state.pause.recordInconclusive(now: now)
            return state.breaker.recordFailure(now: now) ? .circuitOpened : .none
        }
    }

    /// The breaker's state, for status output and tests.
    public var breakerState: CircuitBreaker.State { state.withLock { $0.breaker.state } }
    /// The misconfiguration pause, for status output and tests.
    public var pauseState: SMSProviderPause.State { state.withLock { $0.pause.state } }
    /// The configuration key to fix while the provider is paused, nil otherwise.
    public var pausedKey: String? { state.withLock { $0.pause.pausedKey } }
}
