import Foundation

/// A per-provider token bucket (SMS providers, the WhatsApp API) that slows down when the provider pushes back: pure, time passed in.
///
/// - Tokens refill at the *current* rate up to a burst of one second's worth.
/// - ``backOff(now:retryAfter:)`` (after a 429 or 503) halves the current rate, never below
///   ``Settings/floorFraction`` of the configured rate, and pauses sending until the
///   provider's `Retry-After` has passed.
/// - The rate then recovers slowly and linearly: ``Settings/recoveryTime`` takes it from the
///   floor back to the configured rate, so a provider is not hammered again the moment it answers.
public struct TokenBucket: Sendable, Hashable {
    /// Tuning.
    public struct Settings: Sendable, Hashable {
        /// The configured rate, messages per second.
        public var ratePerSecond: Double
        /// Lowest rate after backing off, as a fraction of ``ratePerSecond``.
        public var floorFraction: Double
        /// Seconds to climb from the floor back to the configured rate.
        public var recoveryTime: TimeInterval

        /// Creates settings (defaults: floor 5 %, full recovery in 60 s).
        public init(ratePerSecond: Double, floorFraction: Double = 0.05, recoveryTime: TimeInterval = 60) {
            self.ratePerSecond = max(0.001, ratePerSecond)
            self.floorFraction = min(1, max(0.001, floorFraction))
            self.recoveryTime = max(0.001, recoveryTime)
        }
    }

    /// Tuning.
    public let settings: Settings
    private var tokens: Double
    private var updatedAt: Date
    /// The rate right after the last back-off (recovery climbs from here).
    private var reducedRate: Double
    private var reducedAt: Date?
    private var pausedUntil: Date?

    /// Creates a full bucket at `now`.
    public init(settings: Settings, now: Date) {
        self.settings = settings
        tokens = Self.burst(settings.ratePerSecond)
        updatedAt = now
        reducedRate = settings.ratePerSecond
    }

    /// The rate in force at `now`, messages per second.
    public func currentRate(now: Date) -> Double {
        guard let reducedAt else { return settings.ratePerSecond }
        let full = settings.ratePerSecond
        let climbed = (full - settings.floorFraction * full) * max(0, now.timeIntervalSince(reducedAt)) / settings.recoveryTime
        return min(full, reducedRate + climbed)
    }

    /// Takes one token if one is available by `now + maxWait`.
    ///
    /// Returns the wait before sending (`0` when a token is ready), or `nil` — with nothing
    /// taken — when the next token is further away than `maxWait`.
    public mutating func reserve(now: Date, maxWait: TimeInterval) -> TimeInterval? {
        refill(now: now)
        var wait: TimeInterval = 0
        if let pausedUntil, pausedUntil > now { wait = pausedUntil.timeIntervalSince(now) }
        let rate = currentRate(now: now)
        // Tokens left at the end of the pause also count; the deficit is paid at the current rate.
        let available = tokens + wait * rate
        if available < 1 { wait += (1 - available) / rate }
        guard wait <= maxWait else { return nil }
        tokens -= 1  // may go negative: the reservation is paid by later refills
        return wait
    }

    /// The wait until a token could be reserved, for "try again after" answers.
    public func timeUntilAvailable(now: Date) -> TimeInterval {
        var copy = self
        copy.refill(now: now)
        var wait: TimeInterval = 0
        if let pausedUntil = copy.pausedUntil, pausedUntil > now { wait = pausedUntil.timeIntervalSince(now) }
        let rate = copy.currentRate(now: now)
        let available = copy.tokens + wait * rate
        if available < 1 { wait += (1 - available) / rate }
        return wait
    }

    /// The provider pushed back (429/503): halve the rate and pause for `retryAfter`, if given.
    public mutating func backOff(now: Date, retryAfter: TimeInterval?) {
        refill(now: now)
        let floor = settings.floorFraction * settings.ratePerSecond
        reducedRate = max(floor, currentRate(now: now) / 2)
        reducedAt = now
        tokens = min(tokens, 0)
        if let retryAfter, retryAfter > 0 {
            let until = now.addingTimeInterval(retryAfter)
            if pausedUntil.map({ until > $0 }) ?? true { pausedUntil = until }
        }
    }

    private mutating func refill(now: Date) {
        let elapsed = now.timeIntervalSince(updatedAt)
        guard elapsed > 0 else { return }
        let rate = currentRate(now: now)
        tokens = min(Self.burst(rate), tokens + elapsed * rate)
        updatedAt = now
        if let pausedUntil, pausedUntil <= now { self.pausedUntil = nil }
        if reducedAt != nil, currentRate(now: now) >= settings.ratePerSecond { reducedAt = nil; reducedRate = settings.ratePerSecond }
    }

    private static func burst(_ rate: Double) -> Double { max(1, rate) }
}
