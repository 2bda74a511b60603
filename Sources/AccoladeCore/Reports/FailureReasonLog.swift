import Foundation

/// The most frequent reasons deliveries failed for good, for the dashboard's "top failure
/// reasons": the rollups count failures but keep no reason, so this reads the deliveries.
///
/// A failure counts in the period it *happened* in (the delivery's last change), unlike the
/// rollups' cohorts (the period its message was accepted in): that lets the read walk the
/// `(state, updated_at)` index over failed rows only, never over every message of the period.
public protocol FailureReasonLog: Sendable {
    /// Failed deliveries whose last change lies in `since..<until`, grouped by channel and
    /// reason (`last_error` without a trailing ``FailureReason/traceMarker`` part, its first
    /// ``FailureReason/maximumReasonLength`` characters), most frequent first, at most `limit`
    /// groups.
    func failureReasons(since: Date, until: Date, limit: Int) async throws -> [FailureReason]
}

/// One group of failed deliveries.
public struct FailureReason: Sendable, Hashable {
    /// Reasons are cut to this many characters before grouping (a provider's text may carry ids).
    public static let maximumReasonLength = 200
    /// What a reason is cut at before grouping: the trace id the WhatsApp classifier appends
    /// (`… [fbtrace_id AbC…]`) differs for every failure and would make each its own group.
    public static let traceMarker = " [fbtrace_id "

    /// The channel (`email`, `sms`, …).
    public var channel: String
    /// The delivery's `last_error`, cut; empty when none was recorded.
    public var reason: String
    /// How many failed deliveries share it.
    public var count: Int64

    /// Creates a group.
    public init(channel: String, reason: String, count: Int64) {
        self.channel = channel
        self.reason = reason
        self.count = count
    }
}
