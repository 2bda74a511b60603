import Foundation

/// A provider status event as a webhook received it, before it is matched to a delivery: what
/// ``Store/recordReceipt(_:)`` takes.
public struct ReceiptReport: Sendable, Hashable {
    /// How the event names its delivery.
    public enum Reference: Sendable, Hashable {
        /// Accolade's delivery id (Kannel: carried in the verified DLR token).
        case deliveryID(String)
        /// The provider's message id (Twilio `MessageSid`, WhatsApp `wamid`), as the delivery's
        /// outcome stores it — possibly not yet, when the callback beats the outcome's write.
        case providerMessageID(String)
    }

    /// One part of a message the channel sent as several (an SMS Accolade concatenated itself).
    public struct Part: Sendable, Hashable, Codable {
        /// The part's number, from 1.
        public var index: Int
        /// How many parts the message was sent as (at least 2).
        public var count: Int

        /// Creates a part; nil unless `1 <= index <= count` and `2 <= count <= 255`.
        public init?(index: Int, count: Int) {
            guard (2...255).contains(count), (1...count).contains(index) else { return nil }
            self.index = index
            self.count = count
        }
    }

    /// The delivery it is about.
    public var reference: Reference
    /// The part it reports on, for a delivery sent as several parts; nil for the whole message.
    public var part: Part?
    /// The state it reports: `sent`, `delivered`, `read` or `failed`.
    public var state: DeliveryState
    /// The provider that reported it.
    public var provider: String?
    /// The provider's id for the event; a second report with the same id is a duplicate.
    public var providerEventID: String?
    /// When the provider says it happened.
    public var occurredAt: Date?
    /// When Accolade received it.
    public var receivedAt: Date
    /// Error code or free text from the provider (secret-free).
    public var detail: String?
    /// The provider says it does not bill this message (a WhatsApp status whose `pricing.type`
    /// is `free_customer_service` or `free_entry_point`): the delivery's recorded cost becomes 0.
    public var freeOfCharge = false

    /// Creates a report.
    public init(
        reference: Reference, state: DeliveryState, provider: String?, providerEventID: String?, occurredAt: Date?,
        receivedAt: Date, detail: String?, part: Part? = nil
    ) {
        self.reference = reference
        self.part = part
        self.state = state
        self.provider = provider
        self.providerEventID = providerEventID
        self.occurredAt = occurredAt
        self.receivedAt = receivedAt
        self.detail = detail
    }

    /// The history row this report becomes once matched to `deliveryID`.
    public func receipt(deliveryID: String) -> Receipt {
        Receipt(
            deliveryID: deliveryID, status: state.rawValue, provider: provider, providerEventID: providerEventID,
            occurredAt: occurredAt, receivedAt: receivedAt, detail: detail, part: part)
    }
}

/// What ``Store/sweepUnmatchedReceipts(now:receivedBefore:)`` did.
public struct UnmatchedReceiptSweep: Sendable, Hashable {
    /// Held receipts whose delivery's outcome has since been written, now applied or recorded.
    public var matched: Int
    /// Held receipts received before the cut-off that still match no written outcome, deleted.
    public var purged: Int

    /// Creates a result.
    public init(matched: Int, purged: Int) {
        self.matched = matched
        self.purged = purged
    }
}
