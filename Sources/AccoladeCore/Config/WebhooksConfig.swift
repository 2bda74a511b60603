import Foundation

/// `webhooks`: how provider callbacks (receipts) are kept.
///
/// ```yaml
/// webhooks:
///   unmatched_receipt_ttl: 7d
/// ```
public struct WebhooksConfig: Sendable, Hashable {
    /// The default for ``unmatchedReceiptTTL``: a week.
    public static let defaultUnmatchedReceiptTTL: TimeInterval = 7 * 86_400

    /// How long a receipt naming a provider message id that no delivery carries yet is kept,
    /// waiting for the outcome that carries that id (a callback can beat the worker's batched
    /// write), seconds. Older ones match nothing Accolade sent and are purged.
    public var unmatchedReceiptTTL: TimeInterval

    /// Creates the section.
    public init(unmatchedReceiptTTL: TimeInterval = WebhooksConfig.defaultUnmatchedReceiptTTL) {
        self.unmatchedReceiptTTL = unmatchedReceiptTTL
    }

    init(_ node: ConfigNode) throws(ConfigError) {
        unmatchedReceiptTTL = try node.duration("unmatched_receipt_ttl") ?? Self.defaultUnmatchedReceiptTTL
        // Shorter than a few minutes would purge receipts that are merely early.
        guard unmatchedReceiptTTL >= 600 else {
            throw ConfigError(
                path: node.path(of: "unmatched_receipt_ttl"),
                reason: "must be at least 10m (receipts that arrive before their outcome is written wait this long), e.g. 7d")
        }
        try node.rejectUnknownKeys()
    }
}
