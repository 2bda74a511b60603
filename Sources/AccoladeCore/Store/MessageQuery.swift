import Foundation

/// A filter for listing messages, newest first, one page at a time.
///
/// Message ids are UUIDv7, so id order is acceptance order and the last id of a page is a stable
/// cursor: new messages arriving while a client pages never shift or repeat entries.
public struct MessageQuery: Sendable, Hashable {
    /// Matches the recipient's email, phone, WhatsApp number or external id exactly.
    public var recipient: String?
    /// Only messages accepted at or after this time.
    public var since: Date?
    /// Only messages with at least one delivery in this state.
    public var state: DeliveryState?
    /// Only messages whose id sorts before this one (the previous page's last id).
    public var before: String?
    /// Page size.
    public var limit: Int

    /// Creates a query.
    public init(recipient: String? = nil, since: Date? = nil, state: DeliveryState? = nil, before: String? = nil, limit: Int = 50) {
        self.recipient = recipient
        self.since = since
        self.state = state
        self.before = before
        self.limit = limit
    }
}
