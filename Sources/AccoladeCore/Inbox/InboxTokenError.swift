import Foundation

/// Why an inbox token was refused. Each case says what the holder should do next; none repeats
/// the token or the secret.
public enum InboxTokenError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Not a compact JWS of three canonical base64url parts holding JSON objects, or too long.
    case malformed(String)
    /// The header names another algorithm than HS256 (`none`, `RS256`, `HS512`, …) or none at
    /// all. Refused before the signature is looked at, so no key confusion is possible.
    case unsupportedAlgorithm(String)
    /// The HMAC does not match: signed with another secret, or changed after signing.
    case badSignature
    /// `exp` has passed.
    case expired(at: Date)
    /// `iat` or `nbf` lies further in the future than the allowed clock skew.
    case notYetValid(until: Date)
    /// A claim is missing or wrong (`sub`, `iat`, `exp`), or the token lives longer than 24 hours.
    case invalidClaims(String)

    /// A stable word for the kind of refusal (`token-expired`, `token-invalid`), for problem
    /// documents and stream events: only `token-expired` means "fetch a new token and retry".
    public var kind: String {
        if case .expired = self { return "token-expired" }
        return "token-invalid"
    }

    /// What is wrong and what to do.
    public var description: String {
        switch self {
        case .malformed(let reason):
            "the inbox token is malformed (\(reason)); send the token exactly as POST /v1/inbox/tokens returned it"
        case .unsupportedAlgorithm(let alg):
            "the inbox token's alg is \(alg); only HS256 signed with channels.inbox.signing_secret is accepted"
        case .badSignature:
            "the inbox token's signature does not match; it was signed with another secret or changed after signing"
        case .expired(let date):
            "the inbox token expired at \(ISOTime.format(date)); ask your backend for a new one (POST /v1/inbox/tokens)"
        case .notYetValid(let date):
            "the inbox token is not valid before \(ISOTime.format(date)); check the clock of the system that minted it"
        case .invalidClaims(let reason):
            "the inbox token's claims are invalid: \(reason)"
        }
    }
}
