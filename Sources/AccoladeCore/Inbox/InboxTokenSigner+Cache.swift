import Foundation
import Synchronization

/// Remembers the inbox tokens that verified, by their exact text, so the requests a widget
/// repeats with one token (every page, every mark, every reconnect) skip the HMAC and the two JSON
/// parses of ``InboxTokenSigner/verify(_:now:)``.
///
/// Only a token that fully verified is kept, and a hit still checks time: it is served from memory
/// only while `now` lies between the moment it verified (every "not yet valid" check passed then,
/// so it passes at any later instant) and its `exp`. An expired token, or a clock set back before
/// the first verification, goes through the full check again and gets its exact error. Bounded: at
/// ``capacity`` entries the expired ones go, and if that frees nothing everything does (one full
/// verification per token afterwards, never unbounded memory).
public final class InboxTokenCache: Sendable {
    /// The default of ``capacity``: one entry per open stream or active widget, about 300 bytes each.
    public static let defaultCapacity = 8192

    private struct Entry {
        let claims: InboxTokenClaims
        let verifiedAt: Date
    }

    /// The signer whose verdicts are remembered.
    public let signer: InboxTokenSigner
    /// Most tokens remembered at once.
    public let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    /// A cache in front of `signer`.
    public init(signer: InboxTokenSigner, capacity: Int = InboxTokenCache.defaultCapacity) {
        self.signer = signer
        self.capacity = max(1, capacity)
    }

    /// The same answer as ``InboxTokenSigner/verify(_:now:)``.
    public func verify(_ token: String, now: Date) throws(InboxTokenError) -> InboxTokenClaims {
        if let entry = entries.withLock({ $0[token] }), entry.verifiedAt <= now, now < entry.claims.expiresAt {
            return entry.claims
        }
        let claims = try signer.verify(token, now: now)
        entries.withLock { entries in
            if entries.count >= capacity {
                entries = entries.filter { now < $0.value.claims.expiresAt }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[token] = Entry(claims: claims, verifiedAt: now)
        }
        return claims
    }

    /// Tokens remembered now (tests).
    public var count: Int { entries.withLock { $0.count } }
}
