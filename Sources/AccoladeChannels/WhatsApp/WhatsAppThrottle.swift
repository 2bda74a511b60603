import Foundation
import Synchronization

/// The channel's token bucket and per-recipient holds behind one lock, shared by concurrent
/// deliveries. Decisions live in the pure ``TokenBucket`` and ``WhatsAppRecipientPacer``.
public final class WhatsAppThrottle: Sendable {
    private struct State {
        var bucket: TokenBucket
        var pacer: WhatsAppRecipientPacer
    }

    private let state: Mutex<State>

    /// Creates a throttle at `ratePerSecond`.
    public init(ratePerSecond: Double, now: Date) {
        state = Mutex(State(bucket: TokenBucket(settings: .init(ratePerSecond: ratePerSecond), now: now), pacer: WhatsAppRecipientPacer()))
    }

    /// What a delivery may do now.
    public enum Admission: Sendable, Hashable {
        /// Send after `wait` seconds (0 = now).
        case go(wait: TimeInterval)
        /// The recipient is held after a pair rate limit: retry this delivery after `after` seconds.
        case recipientHeld(after: TimeInterval)
        /// The channel is saturated: retry after `after` seconds.
        case channelBusy(after: TimeInterval)
    }

    /// Checks the recipient's hold first (nothing taken), then reserves a token.
    public func admit(recipient: String, now: Date, maxWait: TimeInterval) -> Admission {
        state.withLock { state in
            if let wait = state.pacer.wait(for: recipient, now: now) { return .recipientHeld(after: wait) }
            guard let wait = state.bucket.reserve(now: now, maxWait: maxWait) else {
                return .channelBusy(after: state.bucket.timeUntilAvailable(now: now))
            }
            return .go(wait: wait)
        }
    }

    /// Meta throttled the number or app: halve the rate and pause for `retryAfter`.
    public func backOff(now: Date, retryAfter: TimeInterval?) {
        state.withLock { $0.bucket.backOff(now: now, retryAfter: retryAfter) }
    }

    /// Holds one recipient until `until` (pair rate limit).
    public func hold(_ recipient: String, until: Date, now: Date) {
        state.withLock { $0.pacer.hold(recipient, until: until, now: now) }
    }

    /// The rate in force (status output and tests).
    public func currentRate(now: Date) -> Double { state.withLock { $0.bucket.currentRate(now: now) } }
}
