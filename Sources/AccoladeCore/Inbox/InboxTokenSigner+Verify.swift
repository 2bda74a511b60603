import Foundation

extension InboxTokenSigner {
    /// The claims of `token` when it is an HS256 JWT signed with this signer's secret whose claims
    /// are valid at `now`; otherwise the first reason it is not, checked in this order: shape,
    /// algorithm, signature, claims, time. (Claims before time, so a token that could never be
    /// valid says so rather than "expired".)
    public func verify(_ token: String, now: Date) throws(InboxTokenError) -> InboxTokenClaims {
        guard token.utf8.count <= Self.maximumTokenBytes else {
            throw .malformed("longer than \(Self.maximumTokenBytes) bytes")
        }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw .malformed(parts.count == 5 ? "an encrypted JWT (JWE) is not accepted" : "a JWT has three dot-separated parts, found \(parts.count)")
        }
        let header = try Self.object(parts[0], part: "header")
        try Self.checkHeader(header)
        guard let signature = Base64URL.decode(parts[2]) else { throw .malformed("the signature is not unpadded base64url") }
        let signingInput = token[token.startIndex..<parts[1].endIndex]
        // Constant time, and a wrong-length signature is simply a different value.
        guard SecretComparison.matches(signature, mac(signingInput)) else { throw .badSignature }
        let claims = try Self.claims(Self.object(parts[1], part: "payload"))
        try checkTime(claims.claims, notBefore: claims.notBefore, now: now)
        return claims.claims
    }

    /// Decodes one part into a JSON object.
    static func object(_ part: Substring, part name: String) throws(InboxTokenError) -> [String: JSONValue] {
        guard let bytes = Base64URL.decode(part) else { throw .malformed("the \(name) is not unpadded base64url") }
        guard let value = try? JSONValue(jsonBytes: bytes), let object = value.objectValue else {
            throw .malformed("the \(name) is not a JSON object")
        }
        return object
    }

    /// `alg` must be exactly `HS256`; `typ`, when present, `JWT`; no `crit` extensions (RFC 7515
    /// §4.1.11: a recipient must refuse extensions it does not understand, and it understands none).
    static func checkHeader(_ header: [String: JSONValue]) throws(InboxTokenError) {
        guard let alg = header["alg"]?.stringValue else { throw .unsupportedAlgorithm("missing") }
        guard alg == "HS256" else { throw .unsupportedAlgorithm(alg.isEmpty ? "empty" : "\"\(alg.prefix(20))\"") }
        if let typ = header["typ"] {
            // RFC 7519 §5.1: "JWT", compared case-insensitively (a media type without `application/`).
            guard let text = typ.stringValue, ["jwt", "application/jwt"].contains(text.lowercased()) else {
                throw .malformed("the header's typ must be JWT")
            }
        }
        if header["crit"] != nil { throw .malformed("critical header extensions (crit) are not supported") }
    }

    /// `sub`, `iat`, `exp` (and `nbf` when present) with their types and the 24-hour limit.
    static func claims(_ payload: [String: JSONValue]) throws(InboxTokenError) -> (claims: InboxTokenClaims, notBefore: Date?) {
        guard let subject = payload["sub"]?.stringValue else { throw .invalidClaims("sub (the recipient id) is missing or not a string") }
        if let problem = InboxRecipientKey.problem(with: subject) { throw .invalidClaims("sub \(problem)") }
        let issuedAt = try numericDate(payload, "iat")
        let expiresAt = try numericDate(payload, "exp")
        guard let issuedAt else { throw .invalidClaims("iat (issued at, seconds since 1970) is missing") }
        guard let expiresAt else { throw .invalidClaims("exp (expiry, seconds since 1970) is missing") }
        guard expiresAt > issuedAt else { throw .invalidClaims("exp must be later than iat") }
        guard expiresAt.timeIntervalSince(issuedAt) <= maximumLifetime else {
            throw .invalidClaims("exp is more than 24 h after iat; mint tokens for at most 24 h")
        }
        let notBefore = try numericDate(payload, "nbf")
        return (InboxTokenClaims(subject: subject, issuedAt: issuedAt, expiresAt: expiresAt), notBefore)
    }

    /// A NumericDate claim (RFC 7519 §2: seconds since the epoch, fractions allowed), `nil` when absent.
    static func numericDate(_ payload: [String: JSONValue], _ name: String) throws(InboxTokenError) -> Date? {
        guard let value = payload[name] else { return nil }
        let seconds: Double
        switch value {
        case .int(let i): seconds = Double(i)
        case .double(let d): seconds = d
        default: throw .invalidClaims("\(name) must be a number of seconds since 1970")
        }
        // Beyond ±10^11 s (year 5138) a Date loses the second; no real token gets there.
        guard seconds.isFinite, abs(seconds) < 1e11 else { throw .invalidClaims("\(name) is out of range") }
        return Date(timeIntervalSince1970: seconds)
    }

    /// Not expired, not from the future (beyond ``clockSkew``). Because `iat` may be at most
    /// `clockSkew` ahead and `exp - iat` at most 24 h, no accepted token outlives `now` by more
    /// than 24 h plus the skew.
    func checkTime(_ claims: InboxTokenClaims, notBefore: Date?, now: Date) throws(InboxTokenError) {
        let latestStart = now.addingTimeInterval(clockSkew)
        if claims.issuedAt > latestStart { throw .notYetValid(until: claims.issuedAt.addingTimeInterval(-clockSkew)) }
        if let notBefore, notBefore > latestStart { throw .notYetValid(until: notBefore.addingTimeInterval(-clockSkew)) }
        guard now < claims.expiresAt else { throw .expired(at: claims.expiresAt) }
    }
}
