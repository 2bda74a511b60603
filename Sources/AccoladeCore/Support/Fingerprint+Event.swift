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

/// The event fingerprints of many recipients of one trigger, each equal to
/// ``Fingerprint/of(event:recipient:data:cancellationKey:)``: the canonical text of the event's
/// part (cancellation key, data, event — the keys before `recipient`) is encoded once, not once
/// per recipient of a batch of up to 1,000.
public struct EventFingerprints: Sendable {
    private let event: String
    private let data: JSONValue
    private let cancellationKey: String?
    /// `{"cancellation_key":…,"data":…,"event":…,"recipient":`; nil when the data cannot be encoded.
    private let prefix: [UInt8]?

    /// Prepares the fingerprints of this event's recipients.
    public init(event: String, data: JSONValue, cancellationKey: String?) {
        self.event = event
        self.data = data
        self.cancellationKey = cancellationKey
        let head = JSONValue.object(["event": .string(event), "data": data, "cancellation_key": cancellationKey.map(JSONValue.string) ?? .null])
        // Sorted keys put `recipient` last: the whole text is this one without its closing brace,
        // then `,"recipient":`, the recipient object and the brace.
        if var bytes = try? head.jsonBytes(), bytes.last == UInt8(ascii: "}") {
            bytes.removeLast()
            bytes.append(contentsOf: Array(#","recipient":"#.utf8))
            prefix = bytes
        } else {
            prefix = nil
        }
    }

    /// The fingerprint of `recipient`'s share of the event.
    public func of(_ recipient: Recipient) -> String {
        guard var bytes = prefix else {
            return Fingerprint.of(event: event, recipient: recipient, data: data, cancellationKey: cancellationKey)
        }
        // The recipient object as the canonical writer writes it: keys sorted, no spaces.
        let fields: [(String, String?)] = [
            ("email", recipient.email), ("id", recipient.id), ("locale", recipient.locale), ("name", recipient.name),
            ("phone", recipient.phone), ("timezone", recipient.timezone), ("whatsapp", recipient.whatsapp),
        ]
        bytes.append(UInt8(ascii: "{"))
        for (index, (key, value)) in fields.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            JSONValue.appendJSONString(key, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            if let value { JSONValue.appendJSONString(value, to: &bytes) } else { bytes.append(contentsOf: Array("null".utf8)) }
        }
        bytes.append(UInt8(ascii: "}"))
        bytes.append(UInt8(ascii: "}"))
        return Hex.encode(SHA256.hash(data: bytes))
    }
}
