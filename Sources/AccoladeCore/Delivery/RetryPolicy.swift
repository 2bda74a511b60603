import Foundation

/// When to try a failed delivery again: exponential backoff with jitter, capped, bounded in count.
///
/// Attempt *n* (1-based) that failed transiently waits `base · 2^(n-1)`, capped at `maxDelay`,
/// with "equal jitter" (half fixed, half random) so a burst of failures does not retry in lockstep.
/// A provider-given delay (Retry-After) is honoured when it is longer.
public struct RetryPolicy: Sendable, Hashable, Codable {
    /// Attempts allowed in total, the first one included.
    public var maxAttempts: Int
    /// Delay after the first failure (before jitter), in seconds.
    public var baseDelay: TimeInterval
    /// Upper bound of any computed delay, in seconds.
    public var maxDelay: TimeInterval

    /// Creates a policy.
    public init(maxAttempts: Int = 8, baseDelay: TimeInterval = 2, maxDelay: TimeInterval = 3600) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// Whether another attempt is allowed after `attemptsMade` attempts.
    public func allowsRetry(afterAttempts attemptsMade: Int) -> Bool { attemptsMade < maxAttempts }

    /// The delay before the next attempt after `attemptsMade` attempts, honouring `providerDelay`.
    public func delay(
        afterAttempts attemptsMade: Int, providerDelay: TimeInterval? = nil,
        using rng: inout some RandomNumberGenerator
    ) -> TimeInterval {
        let exponent = Double(max(0, min(attemptsMade - 1, 60)))
        let full = min(maxDelay, baseDelay * pow(2, exponent))
        let half = full / 2
        let jittered = half + (half > 0 ? Double.random(in: 0...half, using: &rng) : 0)
        return max(jittered, providerDelay ?? 0)
    }
}
