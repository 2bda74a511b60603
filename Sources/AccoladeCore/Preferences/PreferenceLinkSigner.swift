import Crypto
import Foundation

/// What a signed preference link stands for: one recipient's preferences page, or their
/// unsubscribe from one category on email.
public struct PreferenceLink: Sendable, Hashable {
    /// What the link does.
    public enum Purpose: Sendable, Hashable {
        /// `GET/POST /v1/unsubscribe/{token}`: opt out of this category on email.
        case unsubscribe(category: String)
        /// `GET/POST /v1/preferences/{token}`: the hosted preferences page.
        case preferences
    }

    /// The recipient key (DESIGN.md §9).
    public var recipientKey: String
    /// What it does.
    public var purpose: Purpose

    /// Creates a link.
    public init(recipientKey: String, purpose: Purpose) {
        self.recipientKey = recipientKey
        self.purpose = purpose
    }
}

/// Why a preference link token was refused.
public enum PreferenceLinkError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Not a token Accolade writes (wrong shape, too long, bad encoding).
    case malformed
    /// The signature matches none of the configured secrets: tampered, or signed by a retired secret.
    case badSignature
    /// A preferences-page token used as an unsubscribe link or the other way round.
    case wrongPurpose

    /// For the refusal page and the problem document.
    public var description: String {
        switch self {
        case .malformed: "this link is not a valid Accolade link (it may have been cut off when copied)"
        case .badSignature: "this link's signature does not match: it was altered, or it is older than the current signing key"
        case .wrongPurpose: "this link is for another page"
        }
    }
}

/// Signs and verifies the links in emails: `base64url(payload) "." base64url(HMAC-SHA-256(secret, payload))`,
/// payload `v1 LF purpose LF category LF recipient key`.
///
/// The link is the recipient's only credential (RFC 8058: no cookies, no login), so it must be
/// unguessable and unforgeable: a 256-bit MAC under `preferences.signing_secret` (≥ 32 bytes).
/// Tokens do not expire — mail is read months later, and Gmail and Yahoo expect the link in an
/// old message to work — so revoking them is rotating the secret: a new `signing_secret` signs,
/// the old one moves to `previous_secrets` and still verifies until it is removed.
///
/// Pure: no I/O, no clock.
public struct PreferenceLinkSigner: Sendable {
    /// Shortest accepted secret: the HMAC-SHA-256 output size (RFC 2104 §3).
    public static let minimumSecretBytes = 32
    /// Longer tokens are refused unread (a key is at most 255 characters, a category 100).
    public static let maximumTokenBytes = 1024
    static let version = "v1"

    /// The secret that signs; then the ones that only verify.
    let secrets: [[UInt8]]

    /// A signer with `secret` (signs and verifies) and `previous` (verify only).
    public init(secret: String, previous: [String] = []) {
        secrets = [Array(secret.utf8)] + previous.map { Array($0.utf8) }
    }

    /// The token for `link`.
    public func token(for link: PreferenceLink) -> String {
        let payload = Array(Self.payload(link).utf8)
        return Base64URL.encode(payload) + "." + Base64URL.encode(Self.mac(payload, secret: secrets[0]))
    }

    /// The link `token` stands for, when its signature matches one of the secrets.
    public func verify(_ token: some StringProtocol) throws(PreferenceLinkError) -> PreferenceLink {
        guard token.utf8.count <= Self.maximumTokenBytes, let dot = token.firstIndex(of: "."),
            let payload = Base64URL.decode(token[..<dot]), let mac = Base64URL.decode(token[token.index(after: dot)...]),
            mac.count == 32
        else { throw .malformed }
        guard secrets.contains(where: { SecretComparison.matches(mac, Self.mac(payload, secret: $0)) }) else { throw .badSignature }
        // Read only once the signature matched: nothing unsigned is ever parsed.
        guard let text = String(validating: payload, as: UTF8.self) else { throw .malformed }
        let fields = text.split(separator: "\n", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 4, fields[0] == Self.version, !fields[3].isEmpty else { throw .malformed }
        switch fields[1] {
        case "u" where !fields[2].isEmpty: return PreferenceLink(recipientKey: fields[3], purpose: .unsubscribe(category: fields[2]))
        case "p": return PreferenceLink(recipientKey: fields[3], purpose: .preferences)
        default: throw .malformed
        }
    }

    static func payload(_ link: PreferenceLink) -> String {
        switch link.purpose {
        case .unsubscribe(let category): "\(version)\nu\n\(category)\n\(link.recipientKey)"
        case .preferences: "\(version)\np\n\n\(link.recipientKey)"
        }
    }

    static func mac(_ payload: [UInt8], secret: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: payload, using: SymmetricKey(data: secret)))
    }
}
