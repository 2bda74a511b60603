import Foundation

/// A status event a provider reported after accepting a delivery (delivered, read, failed …),
/// as received on a webhook. Kept as history next to the attempts.
public struct Receipt: Sendable, Hashable, Codable {
    /// The delivery it belongs to.
    public var deliveryID: String
    /// The provider's status word, normalised (`sent`, `delivered`, `read`, `failed`, …).
    public var status: String
    /// The provider that reported it.
    public var provider: String?
    /// The provider's id for the event, used to drop duplicates.
    public var providerEventID: String?
    /// When the provider says it happened.
    public var occurredAt: Date?
    /// When Accolade received it.
    public var receivedAt: Date
    /// Error code or free text from the provider.
    public var detail: String?
    /// The part it reports on, when the delivery went out as several parts (SMS split by Accolade).
    public var part: ReceiptReport.Part?

    /// Creates a receipt.
    public init(
        deliveryID: String, status: String, provider: String?, providerEventID: String?, occurredAt: Date?,
        receivedAt: Date, detail: String?, part: ReceiptReport.Part? = nil
    ) {
        self.part = part
        self.deliveryID = deliveryID
        self.status = status
        self.provider = provider
        self.providerEventID = providerEventID
        self.occurredAt = occurredAt
        self.receivedAt = receivedAt
        self.detail = detail
    }
}
