import AccoladeCore
import Crypto
import Foundation

/// Appends and checks an HMAC-SHA256 so a redemption system can tell a code came from Accolade.
///
/// Format: a URL (`http://` / `https://`, no `#fragment`) gets a last query parameter
/// `sig=<22 base64url chars>` (`?sig=` or `&sig=`), so scanning still opens a working link and the
/// redemption server reads `sig` like any parameter; any other payload gets `~<22 chars>`.
/// The MAC covers every byte before the separator and is truncated to 128 bits.
public struct QRSigner: Sendable {
    // SymmetricKey is not Sendable in swift-crypto 3; keep the bytes and wrap them per use.
    private let keyBytes: Data
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    /// Characters of the encoded MAC: 16 bytes in unpadded base64url.
    static let signatureLength = 22

    /// Creates a signer from the configured secret (`channels.qr.signing_key`).
    public init(secret: String) {
        keyBytes = Data(secret.utf8)
    }

    /// `payload` with its signature appended.
    public func sign(_ payload: String) -> String {
        let separator: String
        if Self.isURL(payload) {
            separator = payload.contains("?") ? "&sig=" : "?sig="
        } else {
            separator = "~"
        }
        return payload + separator + mac(payload)
    }

    /// The payload without its signature when the signature is valid, else nil.
    public func verify(_ signed: String) -> String? {
        guard let (body, signature) = Self.split(signed) else { return nil }
        guard let given = Data(base64URLEncoded: signature) else { return nil }
        let valid = HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: key)
        return SecretComparison.matches(given, Array(valid.prefix(16))) ? body : nil
    }

    private func mac(_ body: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: key)
        return Data(code.prefix(16)).base64URLEncodedString()
    }

    static func isURL(_ payload: String) -> Bool {
        (payload.hasPrefix("https://") || payload.hasPrefix("http://")) && !payload.contains("#")
    }

    /// Splits `body + separator + signature`; nil when the shape is wrong.
    static func split(_ signed: String) -> (body: String, signature: String)? {
        let utf8 = Array(signed.utf8)
        guard utf8.count > signatureLength else { return nil }
        let signature = String(decoding: utf8.suffix(signatureLength), as: UTF8.self)
        let rest = Array(utf8.dropLast(signatureLength))
        if rest.last == UInt8(ascii: "~") {
            return (String(decoding: rest.dropLast(), as: UTF8.self), signature)
        }
        let marker = Array("sig=".utf8)
        guard rest.count > marker.count + 1, Array(rest.suffix(marker.count)) == marker else { return nil }
        let beforeMarker = rest.dropLast(marker.count)
        guard let separator = beforeMarker.last, separator == UInt8(ascii: "?") || separator == UInt8(ascii: "&") else { return nil }
        let body = String(decoding: beforeMarker.dropLast(), as: UTF8.self)
        guard isURL(body) else { return nil }
        return (body, signature)
    }
}

extension Data {
    /// Unpadded base64url (RFC 4648 §5).
    func base64URLEncodedString() -> String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Decodes unpadded base64url; nil on any character outside the alphabet.
    init?(base64URLEncoded text: String) {
        guard text.utf8.allSatisfy({ QRImageStore.isTokenByte($0) }) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.utf8.count % 4 != 0 { base64 += "=" }
        self.init(base64Encoded: base64)
    }
}
