import Crypto
import Foundation

/// A digest of what a caller asked for, to tell an idempotent replay from a conflicting reuse of a key.
public enum Fingerprint {
    /// SHA-256 (hex) of the canonical JSON text (sorted keys, ints and doubles kept apart) of the
    /// request's meaningful fields.
    public static func of(
        template: String, locale: String?, recipient: Recipient, data: JSONValue, route: Route,
        sendAt: Date?, expiresAt: Date?, category: String? = nil, optimal: Bool = false
    ) -> String {
        func text(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        func time(_ d: Date?) -> JSONValue { d.map { .double($0.timeIntervalSince1970) } ?? .null }
        var canonical: [String: JSONValue] = [
            "template": .string(template), "locale": text(locale), "data": data,
            "recipient": .object([
                "name": text(recipient.name), "email": text(recipient.email), "phone": text(recipient.phone),
                "whatsapp": text(recipient.whatsapp), "locale": text(recipient.locale),
                "timezone": text(recipient.timezone), "id": text(recipient.id),
            ]),
            "route": .object(["channels": .array(route.channels.map { .string($0.rawValue) }), "mode": .string(route.mode.rawValue)]),
            "send_at": time(sendAt), "expires_at": time(expiresAt),
        ]
        // Only a category the caller named is part of the request (a derived one is not), and
        // only when named: fingerprints of requests from before categories stay the same.
        if let category { canonical["category"] = .string(category) }
        // `send_at: optimal` is what was asked, not the time it was picked: a replay picks
        // again and must still match.
        if optimal { canonical["send_at"] = .string("optimal") }
        let canonicalValue = JSONValue.object(canonical)
        // Only a NaN or infinite double in `data` fails; such data never gets this far (JSON cannot carry it).
        let bytes = (try? canonicalValue.jsonBytes()) ?? Array("\(canonicalValue)".utf8)
        return Hex.encode(SHA256.hash(data: bytes))
    }
}
