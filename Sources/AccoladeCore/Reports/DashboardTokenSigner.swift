import Crypto
import Foundation

/// Mints and verifies the short-lived tokens that open the reports dashboard
/// (`GET /v1/reports/dashboard?token=…`): a browser navigation cannot send the API's bearer
/// header, so `POST /v1/reports/tokens` (behind the API token) hands out a link that carries
/// its own credential.
///
/// The token is an HS256 JWT made and checked by ``InboxTokenSigner`` (every hardening of that
/// verifier — algorithm pinned before the signature is looked at, constant-time comparison,
/// claims read only after the MAC matched, 24 h ceiling, clock skew for `iat` only), with
/// `sub` fixed to ``subject`` and a key *derived* from the configured secret with a label
/// (HMAC-SHA-256(secret, "accolade reports dashboard v1")). The derivation separates the
/// purposes: even when an operator reuses one secret for the inbox and the dashboard, an inbox
/// token never opens the dashboard, nor the other way round.
///
/// Pure: no I/O, no clock of its own.
public struct DashboardTokenSigner: Sendable {
    /// `sub` of every dashboard token.
    public static let subject = "reports-dashboard"
    /// Lifetime when `ttl` is not given: a quarter of an hour, long enough to read the page and
    /// change the period a few times, short enough that a leaked link (browser history, a
    /// screenshot of the address bar) soon stops working.
    public static let defaultLifetime: TimeInterval = 900
    /// The longest lifetime: a day, for a screen on a wall refreshed each morning.
    public static let maximumLifetime: TimeInterval = InboxTokenSigner.maximumLifetime
    /// The label the key is derived with.
    static let label = "accolade reports dashboard v1"

    let jwt: InboxTokenSigner

    /// A signer keyed by `secret` (`reports.dashboard_secret`, at least 32 bytes in configuration).
    public init(secret: String) {
        jwt = InboxTokenSigner(secret: Self.derive(Array(secret.utf8)))
    }

    /// The signer used when `reports.dashboard_secret` is not set: keyed by the API tokens
    /// (`server.tokens`), so every replica with the same configuration accepts the same links and
    /// no extra secret is needed; rotating the API tokens ends every dashboard link. Nil without
    /// tokens (a loopback-only server): the caller then keys it with random bytes of its own.
    public static func derived(fromAPITokens tokens: [String]) -> DashboardTokenSigner? {
        let nonEmpty = tokens.filter { !$0.isEmpty }.sorted()
        guard !nonEmpty.isEmpty else { return nil }
        // Length-prefixed, so ["ab","c"] and ["a","bc"] key differently.
        var material = Array("api tokens".utf8)
        for token in nonEmpty { material += Array("\n\(token.utf8.count):\(token)".utf8) }
        return DashboardTokenSigner(keyMaterial: material)
    }

    /// A signer with `bytes` as secret material (tests; a random per-process key).
    public init(keyMaterial bytes: [UInt8]) {
        jwt = InboxTokenSigner(secret: Self.derive(bytes))
    }

    static func derive(_ secret: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array(label.utf8), using: SymmetricKey(data: secret)))
    }

    /// A token valid from `now` for `lifetime` seconds (1 s … 24 h, rounded down to the second).
    public func mint(lifetime: TimeInterval, now: Date) throws(DashboardTokenError) -> DashboardToken {
        do throws(InboxTokenError) {
            let token = try jwt.mint(subject: Self.subject, lifetime: lifetime, now: now)
            return DashboardToken(compact: token.compact, expiresAt: token.claims.expiresAt)
        } catch {
            throw .invalid("could not mint: \(error)")
        }
    }

    /// When `token` expires, if it is a dashboard token signed with this signer's key and valid
    /// at `now`; otherwise why not.
    public func verify(_ token: String, now: Date) throws(DashboardTokenError) -> Date {
        let claims: InboxTokenClaims
        do throws(InboxTokenError) {
            claims = try jwt.verify(token, now: now)
        } catch {
            switch error {
            case .expired(let at): throw .expired(at: at)
            case .malformed(let reason): throw .malformed(reason)
            case .badSignature, .unsupportedAlgorithm: throw .badSignature
            case .notYetValid(let until): throw .invalid("it is not valid before \(ISOTime.format(until)); check the clock of the system that minted it")
            case .invalidClaims(let reason): throw .invalid(reason)
            }
        }
        guard claims.subject == Self.subject else { throw .invalid("it is not a dashboard token") }
        return claims.expiresAt
    }
}

/// A minted dashboard token.
public struct DashboardToken: Sendable, Hashable {
    /// The compact JWT (`header.payload.signature`), URL-safe as it is.
    public var compact: String
    /// The first instant it is refused.
    public var expiresAt: Date

    /// Creates a value.
    public init(compact: String, expiresAt: Date) {
        self.compact = compact
        self.expiresAt = expiresAt
    }
}

/// Why a dashboard link was refused; each case says what to do next and never repeats the token.
public enum DashboardTokenError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Not a token at all (cut off when copied, or made up).
    case malformed(String)
    /// Signed with another key, or changed after signing.
    case badSignature
    /// Past its `exp`.
    case expired(at: Date)
    /// Well signed but not usable (wrong purpose, lifetime, times).
    case invalid(String)

    /// A stable word: `token-expired` (mint a new link) or `token-invalid`.
    public var kind: String { if case .expired = self { "token-expired" } else { "token-invalid" } }

    /// What is wrong and what to do.
    public var description: String {
        switch self {
        case .malformed(let reason):
            "this dashboard link is not valid (\(reason)); it may have been cut off when copied — mint a new one with POST /v1/reports/tokens"
        case .badSignature:
            "this dashboard link's signature does not match: it was altered, or it was signed with another key (reports.dashboard_secret or the API tokens changed); mint a new one with POST /v1/reports/tokens"
        case .expired(let at):
            "this dashboard link expired at \(ISOTime.format(at)); mint a new one with POST /v1/reports/tokens"
        case .invalid(let reason):
            "this dashboard link cannot be used: \(reason); mint a new one with POST /v1/reports/tokens"
        }
    }
}
