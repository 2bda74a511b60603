import Crypto
import Foundation

/// Mints and verifies inbox tokens: JWTs (RFC 7519) in JWS compact form (RFC 7515) signed with
/// HMAC-SHA-256 under `channels.inbox.signing_secret`, claims `sub` (the recipient key), `iat`
/// and `exp`, at most ``maximumLifetime`` apart.
///
/// Pure: no I/O and no clock of its own (callers pass `now`, so expiry is tested without
/// sleeping). The format is the plain one every JWT library produces, so a CRM backend can mint
/// the same tokens itself (PyJWT: `jwt.encode({"sub": …, "iat": …, "exp": …}, secret, "HS256")`).
///
/// Verification refuses every algorithm but HS256 before touching the signature (`none`, RSA and
/// EC algorithms whose "public key" an attacker would set to the secret, other HMAC sizes),
/// compares MACs in constant time (``SecretComparison``), and reads the claims only once the
/// signature has matched.
public struct InboxTokenSigner: Sendable {
    /// The longest lifetime a token may have (`exp - iat`): 24 hours.
    public static let maximumLifetime: TimeInterval = 86_400
    /// The shortest secret accepted: 32 bytes, the HMAC-SHA-256 output size (RFC 7518 §3.2).
    public static let minimumSecretBytes = 32
    /// Longer texts are refused unread: a token Accolade mints is about 200 bytes.
    public static let maximumTokenBytes = 4096
    /// The one header Accolade writes (what PyJWT and jsonwebtoken write too).
    static let header = Base64URL.encode(#"{"alg":"HS256","typ":"JWT"}"#.utf8)

    /// The secret's bytes (`SymmetricKey` is not `Sendable`; one is made per MAC, which is cheap).
    let secret: [UInt8]
    /// How far `iat` and `nbf` may lie in the future, for clocks of minting systems that run
    /// ahead. `exp` gets no leeway: a token ends when it says.
    public let clockSkew: TimeInterval

    /// A signer keyed with `secret`'s bytes (at least ``minimumSecretBytes``; configuration checks
    /// that, tests may use RFC keys of any length).
    public init(secret: some Sequence<UInt8>, clockSkew: TimeInterval = 60) {
        self.secret = Array(secret)
        self.clockSkew = clockSkew
    }

    /// A signer keyed with the UTF-8 bytes of `secret`, as JWT libraries use a string key.
    public init(secret: String, clockSkew: TimeInterval = 60) {
        self.init(secret: Array(secret.utf8), clockSkew: clockSkew)
    }

    /// Mints a token for `subject` valid from `now` (rounded down to the second, as `iat` is
    /// whole seconds) for `lifetime` seconds (rounded down; 1 s … 24 h).
    public func mint(subject: String, lifetime: TimeInterval, now: Date) throws(InboxTokenError) -> InboxToken {
        if let problem = InboxRecipientKey.problem(with: subject) { throw .invalidClaims("sub \(problem)") }
        guard lifetime.isFinite, lifetime >= 1, lifetime <= Self.maximumLifetime else {
            throw .invalidClaims("the lifetime must be between 1 s and 24 h, got \(lifetime) s")
        }
        let iat = Int64(now.timeIntervalSince1970.rounded(.down))
        let exp = iat + Int64(lifetime.rounded(.down))
        let payload: JSONValue = .object(["sub": .string(subject), "iat": .int(iat), "exp": .int(exp)])
        // A string and two integers always have a JSON form.
        let payloadBytes = (try? payload.jsonBytes()) ?? []
        let signingInput = Self.header + "." + Base64URL.encode(payloadBytes)
        let compact = signingInput + "." + Base64URL.encode(mac(signingInput))
        let claims = InboxTokenClaims(
            subject: subject, issuedAt: Date(timeIntervalSince1970: TimeInterval(iat)), expiresAt: Date(timeIntervalSince1970: TimeInterval(exp)))
        return InboxToken(compact: compact, claims: claims)
    }

    /// HMAC-SHA-256 of the JWS signing input (`header.payload`, ASCII).
    func mac(_ signingInput: some StringProtocol) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array(signingInput.utf8), using: SymmetricKey(data: secret)))
    }
}
