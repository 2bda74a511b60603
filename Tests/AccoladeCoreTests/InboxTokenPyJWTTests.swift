import AccoladeCore
import AccoladeTestSupport
import Foundation
import Testing

/// Inbox tokens against PyJWT (PyPI, pinned in scripts/setup.sh, in var/pyjwt/venv), the library a
/// CRM backend would mint them with: its tokens verify here and ours verify there, and each side
/// refuses what the other must refuse. One Python process per test; PyJWT reads the real clock,
/// so these use it too.
@Suite("Inbox tokens: interoperable with PyJWT")
struct InboxTokenPyJWTTests {
    static let secret = "crm-and-accolade-share-this-32-byte+secret"
    static let python = TestServer.repositoryRoot.appendingPathComponent("var/pyjwt/venv/bin/python").path
    static let script = TestServer.repositoryRoot.appendingPathComponent("scripts/test-servers/pyjwt_interop.py").path

    /// Runs the cases through `pyjwt_interop.py`; one answer per case.
    static func pyjwt(_ cases: [[String: Any]]) throws -> [[String: Any]] {
        try #require(
            FileManager.default.isExecutableFile(atPath: python), "PyJWT is not installed: run scripts/setup.sh (it creates var/pyjwt/venv)")
        let run = try runFilter(python, [script], input: try JSONSerialization.data(withJSONObject: cases))
        try #require(run.status == 0, "pyjwt_interop.py failed: \(run.stderr)")
        let data = run.stdout
        let answers = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        try #require(answers.count == cases.count)
        return answers
    }

    @Test("tokens PyJWT mints verify here, extra claims and all; its none/HS512/other-key/expired ones do not")
    func fromPyJWT() throws {
        let now = Date()
        let iat = Int(now.timeIntervalSince1970)
        let claims: [String: Any] = ["sub": "crm-10492", "iat": iat, "exp": iat + 3600]
        var extra = claims
        extra["iss"] = "crm.example.com"
        extra["name"] = "Ana Putri ✓"
        let answers = try Self.pyjwt([
            ["op": "encode", "payload": claims, "key": Self.secret],
            ["op": "encode", "payload": extra, "key": Self.secret],
            ["op": "encode", "payload": claims, "key": Self.secret, "alg": "HS512"],
            ["op": "encode", "payload": claims, "key": NSNull(), "alg": "none"],
            ["op": "encode", "payload": claims, "key": Self.secret + "-other"],
            ["op": "encode", "payload": ["sub": "crm-10492", "iat": iat - 7200, "exp": iat - 3600], "key": Self.secret],
        ])
        let tokens = try answers.map { try #require($0["token"] as? String) }
        let signer = InboxTokenSigner(secret: Self.secret)
        for token in tokens[0...1] {
            let verified = try signer.verify(token, now: now)
            #expect(verified.subject == "crm-10492")
            #expect(verified.issuedAt == Date(timeIntervalSince1970: Double(iat)))
            #expect(verified.expiresAt == Date(timeIntervalSince1970: Double(iat + 3600)))
        }
        #expect(throws: InboxTokenError.unsupportedAlgorithm("\"HS512\"")) { try signer.verify(tokens[2], now: now) }
        #expect(throws: InboxTokenError.unsupportedAlgorithm("\"none\"")) { try signer.verify(tokens[3], now: now) }
        #expect(throws: InboxTokenError.badSignature) { try signer.verify(tokens[4], now: now) }
        #expect(throws: InboxTokenError.expired(at: Date(timeIntervalSince1970: Double(iat - 3600)))) { try signer.verify(tokens[5], now: now) }
    }

    @Test("tokens minted here verify in PyJWT (HS256, sub/iat/exp required); expired or other-key ones do not")
    func toPyJWT() throws {
        let now = Date()
        let signer = InboxTokenSigner(secret: Self.secret)
        let token = try signer.mint(subject: "crm-10492/Ñ ✓", lifetime: 900, now: now)
        let expired = try signer.mint(subject: "crm-10492", lifetime: 60, now: now.addingTimeInterval(-3600))
        let answers = try Self.pyjwt([
            ["op": "decode", "token": token.compact, "key": Self.secret],
            ["op": "decode", "token": expired.compact, "key": Self.secret],
            ["op": "decode", "token": token.compact, "key": Self.secret + "-other"],
        ])
        let claims = try #require(answers[0]["claims"] as? [String: Any], "\(answers[0])")
        #expect(claims["sub"] as? String == "crm-10492/Ñ ✓")
        #expect((claims["iat"] as? NSNumber)?.doubleValue == token.claims.issuedAt.timeIntervalSince1970)
        #expect((claims["exp"] as? NSNumber)?.doubleValue == token.claims.expiresAt.timeIntervalSince1970)
        #expect((answers[1]["error"] as? String)?.hasPrefix("ExpiredSignatureError") == true, "\(answers[1])")
        #expect((answers[2]["error"] as? String)?.hasPrefix("InvalidSignatureError") == true, "\(answers[2])")
    }
}
