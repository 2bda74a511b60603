import Foundation

/// The most frequent reasons deliveries failed for good, for the dashboard's "top failure
/// reasons": the rollups count failures but keep no reason, so this reads the deliveries.
///
/// A failure counts in the period it *happened* in (the delivery's last change), unlike the
/// rollups' cohorts (the period its message was accepted in): that lets the read walk the
/// `(state, updated_at)` index over failed rows only, never over every message of the period.
public protocol FailureReasonLog: Sendable {
    /// Failed deliveries whose last change lies in `since..<until`, grouped by channel and
    /// reason, most frequent first, at most `limit` groups. The reason is `last_error` without
    /// a trailing ``FailureReason/traceMarker`` part, normalised (``FailureReasonNormaliser``:
    /// addresses, numbers and ids become placeholders) and cut to its first
    /// ``FailureReason/maximumReasonLength`` characters.
    ///
    /// Stores group the exact texts in SQL and merge the normalised ones
    /// (``FailureReasonNormaliser/merge(_:limit:)``), reading at most
    /// ``FailureReason/maximumRawGroups`` exact texts, the most frequent: beyond that many
    /// distinct texts in one period the counts are lower bounds.
    func failureReasons(since: Date, until: Date, limit: Int) async throws -> [FailureReason]
}

/// One group of failed deliveries.
public struct FailureReason: Sendable, Hashable {
    /// Reasons are cut to this many characters (after normalising) before grouping.
    public static let maximumReasonLength = 200
    /// How much of `last_error` the stores group by exactly before normalising: all of it in
    /// practice (classifiers keep a provider's text to 200 characters), so an address is never
    /// cut in half, which would keep it from becoming `<address>`.
    public static let maximumRawReasonLength = 1_000
    /// How many exact texts (the most frequent) a store reads per request to normalise and merge.
    public static let maximumRawGroups = 10_000
    /// What a reason is cut at before grouping: the trace id the WhatsApp classifier appends
    /// (`… [fbtrace_id AbC…]`) differs for every failure and would make each its own group.
    public static let traceMarker = " [fbtrace_id "

    /// The channel (`email`, `sms`, …).
    public var channel: String
    /// The delivery's `last_error`, normalised and cut; empty when none was recorded.
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
