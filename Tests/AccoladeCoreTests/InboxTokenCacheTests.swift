@testable import AccoladeCore
import Foundation
import Testing

/// The verified-token cache in front of ``InboxTokenSigner``: the same verdicts, time still
/// checked on every hit, bounded size.
@Suite("Inbox tokens: the verified-token cache")
struct InboxTokenCacheTests {
    static let signer = InboxTokenSigner(secret: String(repeating: "k", count: 40))
    static let start = Date(timeIntervalSince1970: 1_796_000_000)

    static func refusal(_ cache: InboxTokenCache, _ token: String, at now: Date) -> InboxTokenError? {
        do throws(InboxTokenError) {
            _ = try cache.verify(token, now: now)
            return nil
        } catch {
            return error
        }
    }

    @Test("a hit gives the signer's claims; an expired token is refused with its exp, cached or not")
    func expiry() throws {
        let cache = InboxTokenCache(signer: Self.signer)
        let token = try Self.signer.mint(subject: "crm-10492", lifetime: 3600, now: Self.start)
        #expect(try cache.verify(token.compact, now: Self.start) == token.claims)
        #expect(cache.count == 1)
        #expect(try cache.verify(token.compact, now: Self.start.addingTimeInterval(3599)) == token.claims)
        let late = Self.start.addingTimeInterval(3600)
        #expect(Self.refusal(cache, token.compact, at: late) == .expired(at: token.claims.expiresAt))
    }

    @Test("a refused token is never remembered; a tampered copy of a cached one is refused")
    func refusals() throws {
        let cache = InboxTokenCache(signer: Self.signer)
        let token = try Self.signer.mint(subject: "crm-1", lifetime: 600, now: Self.start)
        _ = try cache.verify(token.compact, now: Self.start)
        let other = InboxTokenSigner(secret: String(repeating: "x", count: 40))
        let forged = try other.mint(subject: "crm-1", lifetime: 600, now: Self.start)
        #expect(Self.refusal(cache, forged.compact, at: Self.start) == .badSignature)
        #expect(Self.refusal(cache, token.compact + "A", at: Self.start) != nil)
        #expect(cache.count == 1)
    }

    @Test("a clock set back before the first verification checks the token in full again")
    func clockBack() throws {
        let cache = InboxTokenCache(signer: Self.signer)
        let token = try Self.signer.mint(subject: "crm-1", lifetime: 600, now: Self.start)
        _ = try cache.verify(token.compact, now: Self.start)
        let before = Self.start.addingTimeInterval(-3600)
        #expect(Self.refusal(cache, token.compact, at: before) == Self.refusalBySigner(token.compact, at: before))
        #expect(Self.refusal(cache, token.compact, at: before) != nil)
    }

    static func refusalBySigner(_ token: String, at now: Date) -> InboxTokenError? {
        do throws(InboxTokenError) {
            _ = try signer.verify(token, now: now)
            return nil
        } catch {
            return error
        }
    }

    @Test("bounded: at capacity the expired entries go first, then everything")
    func bounded() throws {
        let cache = InboxTokenCache(signer: Self.signer, capacity: 3)
        let short = try Self.signer.mint(subject: "short", lifetime: 10, now: Self.start)
        _ = try cache.verify(short.compact, now: Self.start)
        for subject in ["a", "b"] {
            _ = try cache.verify(try Self.signer.mint(subject: subject, lifetime: 600, now: Self.start).compact, now: Self.start)
        }
        #expect(cache.count == 3)
        let later = Self.start.addingTimeInterval(20)
        _ = try cache.verify(try Self.signer.mint(subject: "c", lifetime: 600, now: later).compact, now: later)
        #expect(cache.count == 3)  // "short" expired and went; a, b, c stay
        _ = try cache.verify(try Self.signer.mint(subject: "d", lifetime: 600, now: later).compact, now: later)
        #expect(cache.count == 1)  // nothing had expired: all went, d stays
    }
}
