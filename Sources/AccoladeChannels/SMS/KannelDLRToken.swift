import AccoladeCore
import Crypto
import Foundation

/// The unguessable per-delivery token in Kannel's `dlr-url`, checkable without a lookup.
///
/// `token = <delivery id> "." <first 128 bits of HMAC-SHA256(key, "kannel-dlr:" + delivery id), base64url>`;
/// for one part of a message Accolade concatenated itself the MAC covers the part too
/// (`"kannel-dlr:" + id + "#" + index + "/" + count`), carried as `part=` and `parts=` in the
/// `dlr-url`, so a report cannot be moved to another part.
/// Only someone holding the key can make a token for a delivery, so a forged or altered DLR is
/// refused, and the webhook learns the delivery id from the verified token itself. The key is
/// `dlr_secret` when configured, else derived from the sendsms password (so every process
/// sharing the configuration agrees); rotating it invalidates DLRs still in flight.
public struct KannelDLRToken: Sendable {
    // SymmetricKey is not Sendable in swift-crypto 3; keep the bytes and wrap them per use.
    private let keyBytes: Data
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    /// A token maker/checker keyed with `secret` (any length; it is hashed into the key).
    public init(secret: String) {
        keyBytes = Data(SHA256.hash(data: Data(("accolade/kannel/dlr/v1:" + secret).utf8)))
    }

    /// The token for a delivery.
    public func make(deliveryID: String, part: ReceiptReport.Part? = nil) -> String {
        "\(deliveryID).\(mac(deliveryID, part: part))"
    }

    /// The delivery id a genuine token names, or nil for a forged, altered or malformed one;
    /// `part` is the part the `dlr-url` names (nil for a whole message).
    public func verify(_ token: String, part: ReceiptReport.Part? = nil) -> String? {
        guard token.utf8.count <= 200, let dot = token.lastIndex(of: ".") else { return nil }
        let id = String(token[..<dot])
        guard !id.isEmpty else { return nil }
        return SecretComparison.matches(String(token[token.index(after: dot)...]), mac(id, part: part)) ? id : nil
    }

    private func mac(_ id: String, part: ReceiptReport.Part?) -> String {
        let subject = part.map { "kannel-dlr:\(id)#\($0.index)/\($0.count)" } ?? "kannel-dlr:\(id)"
        let code = HMAC<SHA256>.authenticationCode(for: Data(subject.utf8), using: key)
        return Data(code.prefix(16)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
