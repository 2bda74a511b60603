import Crypto
import Foundation

extension Fingerprint {
    /// The fingerprint of one recipient's share of an event trigger (`POST /v1/events`,
    /// `accolade trigger`): SHA-256 (hex) of the canonical JSON of the event name, the recipient,
    /// the data and the cancellation key. A retried trigger gives the same text; the same
    /// idempotency key with any of these changed is a conflict, not a replay.
    public static func of(event: String, recipient: Recipient, data: JSONValue, cancellationKey: String?) -> String {
        func text(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        let canonical = JSONValue.object([
            "event": .string(event), "data": data, "cancellation_key": text(cancellationKey),
            "recipient": .object([
                "name": text(recipient.name), "email": text(recipient.email), "phone": text(recipient.phone),
                "whatsapp": text(recipient.whatsapp), "locale": text(recipient.locale),
                "timezone": text(recipient.timezone), "id": text(recipient.id),
            ]),
        ])
        // Only a NaN or infinite double in `data` fails; such data never gets this far (JSON cannot carry it).
        let bytes = (try? canonical.jsonBytes()) ?? Array("\(canonical)".utf8)
        return Hex.encode(SHA256.hash(data: bytes))
    }
}
