import AccoladeCore
import Crypto
import Foundation

/// Meta's webhook signature, `X-Hub-Signature-256: sha256=<hex>`: HMAC-SHA256 of the raw body
/// bytes keyed with the app secret. Pure, no I/O.
///
/// The raw bytes are what count: Meta signs the escaped-unicode JSON exactly as sent, so the
/// check runs before any parsing or re-encoding.
public enum WhatsAppSignature {
    /// `sha256=<lowercase hex>` for `body`.
    public static func header(body: [UInt8], appSecret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(appSecret.utf8)))
        return "sha256=" + Hex.encode(mac)
    }

    /// Whether `header` (the `X-Hub-Signature-256` value) signs `body` with `appSecret`, compared
    /// through ``SecretComparison`` (the time taken does not reveal where the first difference is).
    public static func isValid(header: String?, body: [UInt8], appSecret: String) -> Bool {
        guard let header, !appSecret.isEmpty else { return false }
        let given = header.trimmingCharacters(in: .whitespaces)
        guard given.count > 7, given.prefix(7).lowercased() == "sha256=" else { return false }
        let expected = Self.header(body: body, appSecret: appSecret)
        return SecretComparison.matches("sha256=" + given.dropFirst(7).lowercased(), expected)
    }
}
