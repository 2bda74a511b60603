import AccoladeCore
import Foundation

extension InboundMessage {
    /// Reads Twilio's inbound message webhook form (`From`, `Body`); verify the signature first.
    public static func twilio(form: [(String, String)]) throws(WebhookRejection) -> InboundMessage {
        try sms(from: form.first { $0.0 == "From" }?.1, body: form.first { $0.0 == "Body" }?.1 ?? "", names: "From")
    }

    /// Reads a Kannel MO request made by the `sms-service` `get-url` (`from=%p&text=%a`).
    public static func kannel(query: [(String, String)]) throws(WebhookRejection) -> InboundMessage {
        try sms(from: query.first { $0.0 == "from" }?.1, body: query.first { $0.0 == "text" }?.1 ?? "", names: "from")
    }

    private static func sms(from: String?, body: String, names: String) throws(WebhookRejection) -> InboundMessage {
        guard var from = from?.trimmingCharacters(in: .whitespaces), !from.isEmpty else {
            throw WebhookRejection(status: 400, reason: "\(names) is missing")
        }
        // Kannel may give the international prefix as 00; the list is keyed by E.164.
        if from.hasPrefix("00") { from = "+" + from.dropFirst(2) }
        guard E164.isValid(from) else {
            throw WebhookRejection(status: 400, reason: "\(names) is not an E.164 number")
        }
        return InboundMessage(from: from, body: body)
    }
}
