import Foundation

/// What an inbox token says: whose inbox it opens and for how long.
public struct InboxTokenClaims: Sendable, Hashable {
    /// `sub`: the recipient key (see ``InboxRecipientKey``).
    public var subject: String
    /// `iat`: when it was minted.
    public var issuedAt: Date
    /// `exp`: the first instant it is no longer accepted.
    public var expiresAt: Date

    /// Creates claims.
    public init(subject: String, issuedAt: Date, expiresAt: Date) {
        self.subject = subject
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
    }
}

/// A minted inbox token: the compact JWT text and the claims it carries.
public struct InboxToken: Sendable, Hashable {
    /// `header.payload.signature`, each part unpadded base64url.
    public var compact: String
    /// What the token says.
    public var claims: InboxTokenClaims

    /// Creates a token value.
    public init(compact: String, claims: InboxTokenClaims) {
        self.compact = compact
        self.claims = claims
    }
}
