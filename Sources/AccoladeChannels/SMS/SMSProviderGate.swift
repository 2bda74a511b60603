import Foundation
import Synchronization

/// One provider's circuit breaker and rate limiter behind a lock, shared by concurrent deliveries.
///
/// The decisions live in the pure ``CircuitBreaker`` and ``TokenBucket``; this type only
/// serialises access and applies a provider's answer to both.
public final class SMSProviderGate: Sendable {
    /// Whether a delivery may use the provider now.
    public enum Admission: Sendable, Hashable {
        /// Go ahead after `wait` seconds (0 = now); `probe` when testing a half-open circuit.
        case go(wait: TimeInterval, probe: Bool)
        /// Skip this provider; it may be tried again at `retryAt`.
        case skip(retryAt: Date, reason: String)
    }

    private struct State {
        var breaker: CircuitBreaker
        var bucket: TokenBucket?
    }

    private let state: Mutex<State>

    /// Creates a gate; `ratePerSecond` nil means no local rate limit.
    public init(breaker: CircuitBreaker.Settings, ratePerSecond: Double?, now: Date) {
        state = Mutex(State(
            breaker: CircuitBreaker(settings: breaker),
            bucket: ratePerSecond.map { TokenBucket(settings: .init(ratePerSecond: $0), now: now) }))
    }

    /// Asks breaker, then bucket; nothing is taken unless both agree.
    public func admit(now: Date, maxWait: TimeInterval) -> Admission {
        state.withLock { state in
            var breaker = state.breaker
            let probe: Bool
            switch breaker.decide(now: now) {
            case .reject(let retryAt): return .skip(retryAt: retryAt, reason: "circuit open")
            case .allow: probe = false
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
            return .go(wait: wait, probe: probe)
        }
    }

    /// Applies a provider's answer: successes and message/route failures prove the provider
    /// healthy; provider failures count towards opening; throttling slows the bucket down.
    /// Returns true when this answer opened the circuit.
    @discardableResult
    public func record(_ outcome: Result<Void, SMSProviderFailure>, now: Date) -> Bool {
        state.withLock { state in
            guard case .failure(let failure) = outcome else {
                state.breaker.recordSuccess()
                return false
            }
            if case .rateLimited(let after) = failure.error.disposition {
                state.bucket?.backOff(now: now, retryAfter: after?.seconds)
            }
            guard failure.scope == .provider else {
                state.breaker.recordSuccess()
                return false
            }
            return state.breaker.recordFailure(now: now)
        }
    }

    /// The breaker's state, for status output and tests.
    public var breakerState: CircuitBreaker.State { state.withLock { $0.breaker.state } }
}
