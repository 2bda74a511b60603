import AccoladeCore
import Foundation

/// A verified webhook POST from Meta reduced to what Accolade acts on: pure, no I/O.
///
/// `entry[].changes[]` with `field: "messages"` carry `value.statuses[]` (sent, delivered, read,
/// failed for messages we sent) and `value.messages[]` (what users wrote to us). Other fields
/// (template status updates, account alerts) are acknowledged and ignored.
public struct WhatsAppWebhookPayload: Sendable, Hashable {
    /// One status report for a message we sent.
    public struct Status: Sendable, Hashable {
        /// The wamid from the send receipt.
        public var wamid: String
        /// Meta's status word as sent (`sent`, `delivered`, `read`, `failed`, …).
        public var status: String
        /// The delivery state it means, nil for words Accolade does not track (`deleted`, `warning`).
        public var state: DeliveryState?
        /// When Meta says it happened.
        public var occurredAt: Date?
        /// The first error's code on `failed` (131026, 131047, …).
        public var errorCode: Int?
        /// The first error's title or message, shortened.
        public var errorText: String?
        /// `pricing.type` (`regular`, `free_customer_service`, `free_entry_point`), when given.
        public var pricingType: String?

        /// Whether Meta does not bill this message (``pricingType`` is one of the free types).
        public var isFree: Bool { pricingType == "free_customer_service" || pricingType == "free_entry_point" }

        /// Creates a status report.
        public init(wamid: String, status: String, state: DeliveryState?, occurredAt: Date? = nil, errorCode: Int? = nil, errorText: String? = nil) {
            self.wamid = wamid
            self.status = status
            self.state = state
            self.occurredAt = occurredAt
            self.errorCode = errorCode
            self.errorText = errorText
        }
    }

    /// One message a user wrote to the business number.
    public struct Inbound: Sendable, Hashable {
        /// The sender as E.164 (`+` and the `from` wa_id).
        public var from: String
        /// When it was written.
        public var occurredAt: Date?
        /// The text a keyword check reads: `text.body`, or a tapped button's text.
        public var text: String?

        /// Creates an inbound message.
        public init(from: String, occurredAt: Date? = nil, text: String? = nil) {
            self.from = from
            self.occurredAt = occurredAt
            self.text = text
        }
    }

    /// Status reports, in payload order.
    public var statuses: [Status] = []
    /// Inbound messages, in payload order.
    public var messages: [Inbound] = []

    /// Parses a POST body; throws for anything that is not a WhatsApp Business Account payload.
    public static func parse(_ body: [UInt8]) throws(WebhookRejection) -> WhatsAppWebhookPayload {
        let root: JSONValue
        do {
            root = try JSONValue(jsonBytes: body)
        } catch {
            throw WebhookRejection(status: 400, reason: "the body is not JSON (\(error))")
        }
        guard root["object"]?.stringValue == "whatsapp_business_account" else {
            throw WebhookRejection(status: 400, reason: "object is not whatsapp_business_account")
        }
        var payload = WhatsAppWebhookPayload()
        for entry in root["entry"]?.arrayValues ?? [] {
            for change in entry["changes"]?.arrayValues ?? [] where change["field"]?.stringValue == "messages" {
                guard let value = change["value"] else { continue }
                for status in value["statuses"]?.arrayValues ?? [] {
                    guard let wamid = status["id"]?.stringValue, !wamid.isEmpty, let word = status["status"]?.stringValue else { continue }
                    let error = status["errors"]?.arrayValues.first
                    let errorText = (error?["title"]?.stringValue ?? error?["message"]?.stringValue).map { ProviderText.shorten($0) }
                    var parsed = Status(
                        wamid: wamid, status: word, state: state(word), occurredAt: date(status["timestamp"]),
                        errorCode: error?["code"]?.intValue, errorText: errorText)
                    parsed.pricingType = status["pricing"]?["type"]?.stringValue
                    payload.statuses.append(parsed)
                }
                for message in value["messages"]?.arrayValues ?? [] {
                    guard let from = message["from"]?.stringValue, let e164 = e164(from) else { continue }
                    let text = message["text"]?["body"]?.stringValue ?? message["button"]?["text"]?.stringValue
                        ?? message["interactive"]?["button_reply"]?["title"]?.stringValue
                    payload.messages.append(Inbound(from: e164, occurredAt: date(message["timestamp"]), text: text))
                }
            }
        }
        return payload
    }

    /// `sent` < `delivered` < `read`; `failed` is terminal. Other words are not tracked.
    static func state(_ word: String) -> DeliveryState? {
        switch word {
        case "sent": .sent
        case "delivered": .delivered
        case "read": .read
        case "failed": .failed
        default: nil
        }
    }

    /// A wa_id (`6281234567890`) as E.164, or nil when it is not a phone number.
    static func e164(_ waID: String) -> String? {
        let number = waID.hasPrefix("+") ? waID : "+" + waID
        return E164.isValid(number) ? number : nil
    }

    private static func date(_ value: JSONValue?) -> Date? {
        guard let seconds = value?.intValue, seconds > 0 else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}
