import Foundation

/// The time source of the dispatcher, injectable so tests never sleep for real.
///
/// Stores keep wall-clock `Date`s (they outlive processes), so the clock hands out `Date`s and
/// sleeps for `Duration`s.
public protocol WallClock: Sendable {
    /// The current time.
    func now() -> Date
    /// Suspends for `duration` (throws `CancellationError` when the task is cancelled).
    func sleep(for duration: Duration) async throws
}

/// The real clock.
public struct SystemWallClock: WallClock {
    /// Creates the system clock.
    public init() {}
    /// `Date()`.
    public func now() -> Date { Date() }
    /// `Task.sleep(for:)`.
    public func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
}

extension Duration {
    /// The duration in (fractional) seconds.
    public var seconds: Double {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) / 1e18
    }

    /// `seconds` (a configured timeout, a `Retry-After` wait, a difference of two dates) to the
    /// millisecond, rounded toward zero unless `rule` says otherwise (`.up` for a wait that must
    /// not end early). Infinite values saturate; NaN is zero.
    public static func milliseconds(ofSeconds seconds: TimeInterval, rounding rule: FloatingPointRoundingRule = .towardZero) -> Duration {
        let milliseconds = (seconds * 1000).rounded(rule)
        guard !milliseconds.isNaN else { return .zero }
        return .milliseconds(Int64(max(-9e18, min(9e18, milliseconds))))
    }

    /// Whole nanoseconds, saturating (what swift-metrics timers record).
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds.multipliedReportingOverflow(by: 1_000_000_000).overflow ? .max : seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
