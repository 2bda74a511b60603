import Foundation
import Testing

@testable import AccoladeCore

/// The dashboard's link tokens (issue 18): minted and verified without I/O, refused when expired,
/// altered, signed with another key or made for the inbox; `reports.dashboard_secret` read and checked.
@Suite struct DashboardTokenTests {
    static let secret = "dashboard-tests-secret-0123456789abcdef"
    static let now = Date(timeIntervalSince1970: 1_796_000_000)

    @Test func roundTripsUntilItsExpiry() throws {
        let signer = DashboardTokenSigner(secret: Self.secret)
        let token = try signer.mint(lifetime: DashboardTokenSigner.defaultLifetime, now: Self.now)
        #expect(token.expiresAt == Self.now.addingTimeInterval(900))
        #expect(try signer.verify(token.compact, now: Self.now) == token.expiresAt)
        #expect(try signer.verify(token.compact, now: token.expiresAt.addingTimeInterval(-1)) == token.expiresAt)
        // URL-safe as it is: base64url parts and dots only.
        #expect(token.compact.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
    }

    @Test func refusesAnExpiredToken() throws {
        let signer = DashboardTokenSigner(secret: Self.secret)
        let token = try signer.mint(lifetime: 60, now: Self.now)
        #expect(throws: DashboardTokenError.expired(at: token.expiresAt)) { try signer.verify(token.compact, now: token.expiresAt) }
        let error = DashboardTokenError.expired(at: token.expiresAt)
        #expect(error.kind == "token-expired" && error.description.contains("POST /v1/reports/tokens"))
    }

    @Test func refusesATamperedToken() throws {
        let signer = DashboardTokenSigner(secret: Self.secret)
        let token = try signer.mint(lifetime: 900, now: Self.now)
        let parts = token.compact.split(separator: ".").map(String.init)
        // A longer lifetime in the payload, the signature kept.
        let payload = try JSONValue.object(["sub": .string(DashboardTokenSigner.subject), "iat": .int(1_796_000_000), "exp": .int(1_796_080_000)]).jsonBytes()
        let forged = [parts[0], Base64URL.encode(payload), parts[2]].joined(separator: ".")
        #expect(throws: DashboardTokenError.badSignature) { try signer.verify(forged, now: Self.now) }
        // One character of the signature changed.
        var signature = Array(parts[2])
        signature[5] = signature[5] == "A" ? "B" : "A"
        #expect(throws: DashboardTokenError.badSignature) { try signer.verify(parts[0] + "." + parts[1] + "." + String(signature), now: Self.now) }
        // Cut off, or not a token at all.
        #expect(throws: DashboardTokenError.self) { try signer.verify(String(token.compact.dropLast(30)), now: Self.now) }
        #expect(throws: DashboardTokenError.self) { try signer.verify("not-a-token", now: Self.now) }
        #expect(throws: DashboardTokenError.self) { try signer.verify("", now: Self.now) }
    }

    @Test func refusesATokenOfAnotherKeyOrPurpose() throws {
        let token = try DashboardTokenSigner(secret: Self.secret).mint(lifetime: 900, now: Self.now)
        #expect(throws: DashboardTokenError.badSignature) {
            try DashboardTokenSigner(secret: Self.secret + "x").verify(token.compact, now: Self.now)
        }
        // An inbox token signed with the very same secret does not open the dashboard (the key is
        // derived with a label), nor the other way round.
        let inbox = try InboxTokenSigner(secret: Self.secret).mint(subject: DashboardTokenSigner.subject, lifetime: 900, now: Self.now)
        #expect(throws: DashboardTokenError.badSignature) { try DashboardTokenSigner(secret: Self.secret).verify(inbox.compact, now: Self.now) }
        #expect(throws: InboxTokenError.badSignature) { try InboxTokenSigner(secret: Self.secret).verify(token.compact, now: Self.now) }
    }

    @Test func derivesItsKeyFromTheAPITokensWhenNoSecretIsSet() throws {
        #expect(DashboardTokenSigner.derived(fromAPITokens: []) == nil)
        #expect(DashboardTokenSigner.derived(fromAPITokens: [""]) == nil)
        let a = try #require(DashboardTokenSigner.derived(fromAPITokens: ["token-one", "token-two"]))
        let sameInOtherOrder = try #require(DashboardTokenSigner.derived(fromAPITokens: ["token-two", "token-one"]))
        let token = try a.mint(lifetime: 900, now: Self.now)
        #expect(try sameInOtherOrder.verify(token.compact, now: Self.now) == token.expiresAt)
        for other in [["token-one"], ["token-one", "token-two", "token-three"], ["token-on", "etoken-two"]] {
            let signer = try #require(DashboardTokenSigner.derived(fromAPITokens: other))
            #expect(throws: DashboardTokenError.badSignature) { try signer.verify(token.compact, now: Self.now) }
        }
    }

    @Test func lifetimeIsBounded() {
        let signer = DashboardTokenSigner(secret: Self.secret)
        #expect(throws: DashboardTokenError.self) { try signer.mint(lifetime: 86_401, now: Self.now) }
        #expect(throws: DashboardTokenError.self) { try signer.mint(lifetime: 0, now: Self.now) }
    }

    @Test func readsTheSecretFromTheReportsSection() throws {
        let config = try AccoladeConfig.parse(yaml: "reports:\n  dashboard_secret: \(Self.secret)\n", environment: [:])
        #expect(config.reports.dashboardSecret == Self.secret)
        let unset = try AccoladeConfig.parse(yaml: "reports:\n  dashboard_secret: ${ACCOLADE_DASHBOARD_SECRET}\n", environment: [:])
        #expect(unset.reports.dashboardSecret == nil)
        #expect(throws: ConfigError.self) { try AccoladeConfig.parse(yaml: "reports:\n  dashboard_secret: short\n", environment: [:]) }
        do {
            _ = try AccoladeConfig.parse(yaml: "reports:\n  dashboard_secret: short\n", environment: [:])
            Issue.record("a short secret was accepted")
        } catch {
            #expect(error.path == "reports.dashboard_secret" && error.reason.contains("32 bytes"), "\(error)")
        }
    }
}
