import AccoladeCore
import Foundation

/// A provider's status report for one delivery (Twilio status callback, Kannel DLR, WhatsApp
/// `statuses[]`), normalised by the provider's parser and recorded by ``ReceiptRecorder``.
///
/// The store finds the delivery by ``reference`` (holding the report until the outcome is written
/// when it arrives first), applies ``state`` as `DeliveryStateMachine.receiptDecision` says
/// (monotonic: sent < delivered < read; failed only from sent) and drops repeats by
/// ``deduplicationKey``.
public struct ReceiptEvent: Sendable, Hashable {
    /// How the report names the delivery: the same two ways the store's ``ReceiptReport`` does.
    public typealias Reference = ReceiptReport.Reference

    /// Which protocol sent it: `twilio`, `kannel` or `whatsapp`.
    public var source: String
    /// The delivery it is about.
    public var reference: Reference
    /// The state it reports: `.sent`, `.delivered`, `.read` or `.failed`.
    public var state: DeliveryState
    /// The provider's own status word or code (`delivered`, `undelivered`, `1`, `16`).
    public var rawStatus: String
    /// The provider's error code on failures (Twilio `ErrorCode` such as `30003`), when given.
    public var errorCode: String?
    /// A short, secret-free detail (Kannel's SMSC reply, Twilio's error code meaning).
    public var detail: String
    /// When the provider says it happened, when it says so.
    public var occurredAt: Date?
    /// The part it reports on, when the channel sent the message as several (Kannel parts).
    public var part: ReceiptReport.Part?
    /// The provider says this message is not billed (``ReceiptReport/freeOfCharge``).
    public var freeOfCharge = false

    /// Creates an event.
    public init(
        source: String, reference: Reference, state: DeliveryState, rawStatus: String, errorCode: String? = nil,
        detail: String = "", occurredAt: Date? = nil, part: ReceiptReport.Part? = nil
    ) {
        self.part = part
        self.source = source
        self.reference = reference
        self.state = state
        self.rawStatus = rawStatus
        self.errorCode = errorCode
        self.detail = detail
        self.occurredAt = occurredAt
    }

    /// Same report twice ⇒ same key: source, reference and raw status (a provider repeats a
    /// status when our answer was lost; a different status is a different event), plus the part
    /// for one part of a multi-part message (each part reports on its own).
    public var deduplicationKey: String {
        let ref: String = switch reference {
        case .deliveryID(let id): "d:\(id)"
        case .providerMessageID(let id): "p:\(id)"
        }
        let key = "\(source):\(ref):\(rawStatus)"
        return part.map { "\(key):part\($0.index)/\($0.count)" } ?? key
    }
}
