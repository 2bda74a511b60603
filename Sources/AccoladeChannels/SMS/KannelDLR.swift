import AccoladeCore
import Foundation

/// Reads a Kannel delivery report (`GET|POST /v1/webhooks/kannel/dlr?token=…&status=%d&ts=%T&reply=%A`)
/// into an ``ReceiptEvent`` after checking the per-delivery token: pure.
public enum KannelDLR {
    /// The query the channel appends to `dlr-url`; Kannel fills in the `%` escapes.
    ///
    /// `%d` DLR type (mask bit), `%T` Unix time, `%A` the SMSC's reply text.
    public static let escapes = "&status=%d&ts=%T&reply=%A"

    /// Parses the decoded query (or form) fields, verifying `token` with `tokens`.
    ///
    /// A report on one part of a message Accolade split carries `part` and `parts` (signed with
    /// the token); the event then names that part, and the store decides the delivery's state
    /// from all of its parts.
    ///
    /// Status bits map to delivery states: 1 delivered → delivered; 2 not delivered and
    /// 16 rejected by the SMSC → failed; 4 buffered and 8 accepted by the SMSC → sent.
    public static func parse(query: [(String, String)], tokens: KannelDLRToken) throws(WebhookRejection) -> ReceiptEvent {
        func field(_ name: String) -> String? { query.first { $0.0 == name }?.1 }
        var part: ReceiptReport.Part?
        if field("part") != nil || field("parts") != nil {
            guard let index = field("part").flatMap({ Int($0) }), let count = field("parts").flatMap({ Int($0) }),
                let valid = ReceiptReport.Part(index: index, count: count)
            else { throw WebhookRejection(status: 400, reason: "part and parts must be 1 <= part <= parts <= 255") }
            part = valid
        }
        guard let token = field("token"), let deliveryID = tokens.verify(token, part: part) else {
            throw WebhookRejection(status: 403, reason: "missing or invalid DLR token")
        }
        guard let raw = field("status"), let bits = Int(raw), let state = state(for: bits) else {
            throw WebhookRejection(status: 400, reason: "status must be one Kannel DLR type: 1, 2, 4, 8 or 16")
        }
        let reply = ProviderText.shorten(field("reply") ?? "", limit: 160)
        let occurred = field("ts").flatMap(TimeInterval.init).map { Date(timeIntervalSince1970: $0) }
        let meaning = switch bits {
        case 1: "delivered to phone"
        case 2: "not delivered to phone"
        case 4: "buffered at SMSC"
        case 8: "accepted by SMSC"
        default: "rejected by SMSC"
        }
        return ReceiptEvent(
            source: "kannel", reference: .deliveryID(deliveryID), state: state, rawStatus: raw,
            errorCode: state == .failed ? raw : nil, detail: reply.isEmpty ? meaning : "\(meaning): \(reply)",
            occurredAt: occurred, part: part)
    }

    /// The state a single DLR type reports, or nil for a value that is not one mask bit.
    public static func state(for type: Int) -> DeliveryState? {
        switch type {
        case 1: .delivered
        case 2, 16: .failed
        case 4, 8: .sent
        default: nil
        }
    }
}
