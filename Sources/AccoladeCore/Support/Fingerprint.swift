import Crypto
import Foundation

/// A digest of what a caller asked for, to tell an idempotent replay from a conflicting reuse of a key.
public enum Fingerprint {
    /// SHA-256 (hex) of the canonical JSON (sorted keys) of the request's meaningful fields.
    public static func of(
        template: String, locale: String?, recipient: Recipient, data: JSONValue, route: Route,
        sendAt: Date?, expiresAt: Date?
    ) -> String {
        struct Canonical: Encodable {
            var template: String
            var locale: String?
            var recipient: Recipient
            var data: JSONValue
            var route: Route
            var sendAt: Double?
            var expiresAt: Double?
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let canonical = Canonical(
            template: template, locale: locale, recipient: recipient, data: data, route: route,
            sendAt: sendAt?.timeIntervalSince1970, expiresAt: expiresAt?.timeIntervalSince1970)
        let bytes = (try? encoder.encode(canonical)) ?? Data()
        return SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }
}
