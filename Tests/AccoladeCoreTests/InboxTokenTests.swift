@testable import AccoladeCore
import Foundation
import Testing

/// Inbox tokens (HS256 JWTs) minted and verified without I/O: RFC 7515/7519 examples, expiry at
/// the injected instant, algorithm confusion, `none`, tampering and non-canonical encodings.
@Suite("Inbox tokens: HS256 JWT")
struct InboxTokenTests {
    static let secret = "a-32-byte-secret-for-inbox-tests!"  // 33 bytes
    static let signer = InboxTokenSigner(secret: secret)
    static let now = Date(timeIntervalSince1970: 1_796_000_000.75)

    /// RFC 7515 appendix A.1 (also RFC 7519 §3.1): the HMAC key and the token it signs.
    static let rfcKey = "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"
    static let rfcToken =
        "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"

    /// A token with any header and payload, signed with `secret` (or with `signature` as given).
    static func token(header: String = #"{"alg":"HS256","typ":"JWT"}"#, payload: String, secret: String = secret, signature: String? = nil) -> String {
        let input = Base64URL.encode(header.utf8) + "." + Base64URL.encode(payload.utf8)
        if let signature { return input + "." + signature }
        let other = InboxTokenSigner(secret: secret)
        return input + "." + Base64URL.encode(other.mac(input))
    }

    static func refusal(_ token: String, now: Date = now, signer: InboxTokenSigner = signer) -> InboxTokenError? {
        do throws(InboxTokenError) {
            _ = try signer.verify(token, now: now)
            return nil
        } catch {
            return error
        }
    }

    @Test("RFC 7515 A.1: the example's signature verifies; its claims are not an inbox token's")
    func rfcExample() throws {
        let key = try #require(Base64URL.decode(Self.rfcKey))
        #expect(key.count == 64)
        let signer = InboxTokenSigner(secret: key)
        let parts = Self.rfcToken.split(separator: ".")
        #expect(Base64URL.encode(signer.mac(Self.rfcToken[..<parts[1].endIndex])) == String(parts[2]))
        // Signature and header pass; the payload has no sub and no iat.
        let inTime = Date(timeIntervalSince1970: 1_300_819_000)
        guard case .invalidClaims(let reason)? = Self.refusal(Self.rfcToken, now: inTime, signer: signer) else {
            Issue.record("expected invalid claims")
            return
        }
        #expect(reason.contains("sub"))
        // One changed signature character: bad signature, not a claims error.
        var tampered = Self.rfcToken
        tampered.removeLast()
        tampered.append("Y")
        #expect(Self.refusal(tampered, now: inTime, signer: signer) == .badSignature)
    }

    @Test("RFC 7519 §6.1: the unsecured example (alg none) is refused, with or without a signature")
    func unsecured() {
        let none = "eyJhbGciOiJub25lIn0.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
        #expect(Self.refusal(none) == .unsupportedAlgorithm("\"none\""))
        let payload = #"{"sub":"crm-1","iat":1796000000,"exp":1796003600}"#
        for alg in ["none", "None", "NONE", "HS512", "HS384", "RS256", "ES256", "PS256", "EdDSA", "hs256", "HS256 "] {
            let forged = Self.token(header: #"{"alg":"\#(alg)","typ":"JWT"}"#, payload: payload)
            guard case .unsupportedAlgorithm? = Self.refusal(forged) else {
                Issue.record("alg \(alg) was not refused as an algorithm")
                continue
            }
            // Even the unsigned form (empty signature) is refused on the algorithm first.
            let unsigned = Self.token(header: #"{"alg":"\#(alg)"}"#, payload: payload, signature: "")
            guard case .unsupportedAlgorithm? = Self.refusal(unsigned) else {
                Issue.record("unsigned alg \(alg) was not refused as an algorithm")
                continue
            }
        }
        #expect(Self.refusal(Self.token(header: #"{"typ":"JWT"}"#, payload: payload)) == .unsupportedAlgorithm("missing"))
        #expect(Self.refusal(Self.token(header: #"{"alg":["HS256"]}"#, payload: payload)) == .unsupportedAlgorithm("missing"))
    }

    @Test("a minted token verifies and carries whole-second iat/exp; the header is the usual one")
    func roundTrip() throws {
        let token = try Self.signer.mint(subject: "crm-10492", lifetime: 3600, now: Self.now)
        #expect(token.claims.subject == "crm-10492")
        #expect(token.claims.issuedAt == Date(timeIntervalSince1970: 1_796_000_000))
        #expect(token.claims.expiresAt == Date(timeIntervalSince1970: 1_796_003_600))
        let parts = token.compact.split(separator: ".", omittingEmptySubsequences: false)
        #expect(parts.count == 3)
        #expect(String(decoding: Base64URL.decode(parts[0]) ?? [], as: UTF8.self) == #"{"alg":"HS256","typ":"JWT"}"#)
        #expect(String(decoding: Base64URL.decode(parts[1]) ?? [], as: UTF8.self) == #"{"exp":1796003600,"iat":1796000000,"sub":"crm-10492"}"#)
        #expect(!token.compact.contains("="))
        #expect(try Self.signer.verify(token.compact, now: Self.now) == token.claims)
        // Unicode subjects survive (JSON carries them as UTF-8).
        let unicode = try Self.signer.mint(subject: "pelanggan/Ñandú ✓", lifetime: 60, now: Self.now)
        #expect(try Self.signer.verify(unicode.compact, now: Self.now).subject == "pelanggan/Ñandú ✓")
    }

    @Test("expiry at the injected instant: valid up to exp, refused from exp on; no leeway")
    func expiry() throws {
        let token = try Self.signer.mint(subject: "crm-1", lifetime: 900, now: Self.now)
        let exp = token.claims.expiresAt
        #expect(try Self.signer.verify(token.compact, now: exp.addingTimeInterval(-0.001)).subject == "crm-1")
        #expect(Self.refusal(token.compact, now: exp) == .expired(at: exp))
        #expect(Self.refusal(token.compact, now: exp.addingTimeInterval(86_400 * 365)) == .expired(at: exp))
        #expect(Self.refusal(token.compact, now: exp)?.kind == "token-expired")
        #expect(InboxTokenError.badSignature.kind == "token-invalid")
    }

    @Test("iat or nbf in the future beyond the clock skew is not yet valid")
    func future() {
        let iat = 1_796_000_000
        let ahead = Self.token(payload: #"{"sub":"a","iat":\#(iat + 61),"exp":\#(iat + 3600)}"#)
        #expect(Self.refusal(ahead, now: Date(timeIntervalSince1970: Double(iat))) == .notYetValid(until: Date(timeIntervalSince1970: Double(iat + 1))))
        let skewed = Self.token(payload: #"{"sub":"a","iat":\#(iat + 60),"exp":\#(iat + 3600)}"#)
        #expect(Self.refusal(skewed, now: Date(timeIntervalSince1970: Double(iat))) == nil)
        let notBefore = Self.token(payload: #"{"sub":"a","iat":\#(iat),"nbf":\#(iat + 600),"exp":\#(iat + 3600)}"#)
        #expect(Self.refusal(notBefore, now: Date(timeIntervalSince1970: Double(iat))) == .notYetValid(until: Date(timeIntervalSince1970: Double(iat + 540))))
        #expect(Self.refusal(notBefore, now: Date(timeIntervalSince1970: Double(iat + 540))) == nil)
    }

    @Test("claims: sub, iat and exp required with the right types; at most 24 h; fractions allowed")
    func claims() {
        let t = 1_796_000_000
        let cases: [(String, String)] = [
            (#"{"iat":\#(t),"exp":\#(t + 60)}"#, "sub"),
            (#"{"sub":42,"iat":\#(t),"exp":\#(t + 60)}"#, "sub"),
            (#"{"sub":"","iat":\#(t),"exp":\#(t + 60)}"#, "sub"),
            (#"{"sub":"a\nb","iat":\#(t),"exp":\#(t + 60)}"#, "sub"),
            (#"{"sub":"a","exp":\#(t + 60)}"#, "iat"),
            (#"{"sub":"a","iat":"\#(t)","exp":\#(t + 60)}"#, "iat"),
            (#"{"sub":"a","iat":\#(t)}"#, "exp"),
            (#"{"sub":"a","iat":\#(t),"exp":true}"#, "exp"),
            (#"{"sub":"a","iat":\#(t),"exp":\#(t)}"#, "later than iat"),
            (#"{"sub":"a","iat":\#(t),"exp":\#(t + 86_401)}"#, "24 h"),
            (#"{"sub":"a","iat":\#(t),"exp":1e300}"#, "out of range"),
        ]
        for (payload, word) in cases {
            guard case .invalidClaims(let reason)? = Self.refusal(Self.token(payload: payload), now: Date(timeIntervalSince1970: Double(t))) else {
                Issue.record("\(payload) was not refused for its claims")
                continue
            }
            #expect(reason.contains(word), "\(payload): \(reason)")
        }
        // Exactly 24 h, fractional NumericDates and extra claims are fine.
        let now = Date(timeIntervalSince1970: Double(t))
        #expect(Self.refusal(Self.token(payload: #"{"sub":"a","iat":\#(t),"exp":\#(t + 86_400)}"#), now: now) == nil)
        #expect(Self.refusal(Self.token(payload: #"{"sub":"a","iat":\#(t).5,"exp":\#(t + 60).25,"iss":"crm","aud":"x"}"#), now: now) == nil)
    }

    @Test("a tampered payload, header or signature, or another secret: bad signature")
    func tampering() throws {
        let token = try Self.signer.mint(subject: "crm-1", lifetime: 3600, now: Self.now)
        let parts = token.compact.split(separator: ".").map(String.init)
        let otherPayload = Base64URL.encode(#"{"exp":1796003600,"iat":1796000000,"sub":"crm-2"}"#.utf8)
        #expect(Self.refusal([parts[0], otherPayload, parts[2]].joined(separator: ".")) == .badSignature)
        let otherHeader = Base64URL.encode(#"{"typ":"JWT","alg":"HS256"}"#.utf8)
        #expect(Self.refusal([otherHeader, parts[1], parts[2]].joined(separator: ".")) == .badSignature)
        let other = InboxTokenSigner(secret: Self.secret + "x")
        #expect(Self.refusal(token.compact, signer: other) == .badSignature)
        // A truncated or extended signature is a different value, never a prefix match.
        let signature = try #require(Base64URL.decode(parts[2]))
        for variant in [Array(signature.prefix(16)), signature + [0], []] {
            #expect(Self.refusal([parts[0], parts[1], Base64URL.encode(variant)].joined(separator: ".")) == .badSignature)
        }
    }

    @Test("padding, standard base64, whitespace, wrong part counts and oversize texts are malformed")
    func malformed() throws {
        let token = try Self.signer.mint(subject: "crm-1", lifetime: 3600, now: Self.now)
        let parts = token.compact.split(separator: ".").map(String.init)
        var variants = [
            parts[0] + "=." + parts[1] + "." + parts[2],
            parts[0] + "." + parts[1] + "." + parts[2] + "=",
            parts[0] + "." + parts[1] + "." + parts[2].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/") + "+",
            " " + token.compact,
            token.compact + "\n",
            parts[0] + "." + parts[1],
            token.compact + ".x.y",
            "",
            "..",
            "not a token",
            String(repeating: "a", count: 5000),
            Base64URL.encode("[1]".utf8) + "." + parts[1] + "." + parts[2],
            Base64URL.encode(#"{"alg":"HS256","crit":["exp"]}"#.utf8) + "." + parts[1] + "." + parts[2],
            Base64URL.encode(#"{"alg":"HS256","typ":"at+jwt"}"#.utf8) + "." + parts[1] + "." + parts[2],
        ]
        // The payload is read only after the signature matched: a non-JSON payload with a good MAC.
        variants.append(Self.token(payload: "not json"))
        for variant in variants {
            guard case .malformed? = Self.refusal(variant) else {
                Issue.record("\(variant.prefix(60)) gave \(String(describing: Self.refusal(variant)))")
                continue
            }
        }
        // Five parts is JWE: refused, named.
        guard case .malformed(let reason)? = Self.refusal("a.b.c.d.e") else { Issue.record("JWE accepted"); return }
        #expect(reason.contains("JWE"))
        // Messages never echo the token.
        for variant in variants { #expect(!(Self.refusal(variant)?.description.contains(parts[2]) ?? false)) }
    }

    @Test("minting refuses bad subjects and lifetimes outside 1 s … 24 h")
    func mintLimits() {
        for (subject, lifetime) in [("", 60.0), ("a\u{0}", 60), (String(repeating: "x", count: 256), 60), ("a", 0), ("a", 86_401), ("a", .infinity), ("a", .nan)] {
            #expect(throws: InboxTokenError.self) { try Self.signer.mint(subject: subject, lifetime: lifetime, now: Self.now) }
        }
        #expect(throws: Never.self) { try Self.signer.mint(subject: String(repeating: "é", count: 255), lifetime: 86_400, now: Self.now) }
    }
}

@Suite("Base64url without padding")
struct Base64URLTests {
    @Test("RFC 4648 vectors, unpadded, url alphabet")
    func vectors() {
        let cases = [("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy")]
        for (plain, encoded) in cases {
            #expect(Base64URL.encode(plain.utf8) == encoded)
            #expect(Base64URL.decode(encoded) == Array(plain.utf8))
        }
        #expect(Base64URL.encode([0xFB, 0xFF, 0xBF]) == "-_-_")
        #expect(Base64URL.decode("-_-_") == [0xFB, 0xFF, 0xBF])
    }

    @Test("every length and byte round-trips; non-canonical texts are refused")
    func strict() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<70 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let text = Base64URL.encode(bytes)
            #expect(Base64URL.decode(text) == bytes)
            #expect(Data(bytes).base64EncodedString().replacingOccurrences(of: "=", with: "")
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_") == text)
        }
        for bad in ["Zg==", "Zh", "Zm9", "Z", "Zm9v+", "Zm9v/", "Zm 9v", "Zm9v\n", "Zm8=", "ÿÿ"] {
            #expect(Base64URL.decode(bad) == nil, "\(bad)")
        }
    }
}
