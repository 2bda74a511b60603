import AccoladeCore
import Foundation
import Testing

/// Signed preference links: round trip, tampering, rotation; the List-Unsubscribe headers; the
/// effective preference table and the checks on changes.
@Suite struct PreferenceLinkTests {
    static let secret = "0123456789abcdef0123456789abcdef-current"
    static let old = "0123456789abcdef0123456789abcdef-previous"

    @Test func tokensRoundTripForBothPurposes() throws {
        let signer = PreferenceLinkSigner(secret: Self.secret)
        for link in [
            PreferenceLink(recipientKey: "ana@example.com", purpose: .unsubscribe(category: "rewards")),
            PreferenceLink(recipientKey: "crm 42/ü\nx", purpose: .preferences),
        ] {
            let token = signer.token(for: link)
            #expect(token.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." })
            #expect(try signer.verify(token) == link)
        }
    }

    @Test func tamperedTokensAreRefused() throws {
        let signer = PreferenceLinkSigner(secret: Self.secret)
        let token = signer.token(for: PreferenceLink(recipientKey: "ana@example.com", purpose: .unsubscribe(category: "rewards")))
        let dot = token.firstIndex(of: ".")!
        // Another recipient's payload under this signature.
        let forged = Base64URL.encode(Array("v1\nu\nrewards\nbob@example.com".utf8)) + token[dot...]
        #expect(throws: PreferenceLinkError.badSignature) { try signer.verify(forged) }
        // One character of the MAC changed.
        var chars = Array(token)
        chars[chars.count - 2] = chars[chars.count - 2] == "A" ? "B" : "A"
        #expect(throws: PreferenceLinkError.badSignature) { try signer.verify(String(chars)) }
        #expect(throws: PreferenceLinkError.malformed) { try signer.verify("nodot") }
        #expect(throws: PreferenceLinkError.malformed) { try signer.verify("") }
        #expect(throws: PreferenceLinkError.malformed) { try signer.verify(String(token[..<dot]) + ".AAAA") }
        #expect(throws: PreferenceLinkError.badSignature) { try PreferenceLinkSigner(secret: Self.old).verify(token) }
    }

    @Test func rotationVerifiesOldTokensAndSignsWithTheNewSecret() throws {
        let link = PreferenceLink(recipientKey: "crm-42", purpose: .preferences)
        let before = PreferenceLinkSigner(secret: Self.old).token(for: link)
        let rotated = PreferenceLinkSigner(secret: Self.secret, previous: [Self.old])
        #expect(try rotated.verify(before) == link)
        let after = rotated.token(for: link)
        #expect(after != before)
        #expect(try PreferenceLinkSigner(secret: Self.secret).verify(after) == link)
    }

    @Test func emailHeadersFollowRFC8058() {
        let config = PreferencesConfig(signingSecret: Self.secret, unsubscribeMailto: "unsubscribe@example.com")
        let https = PreferenceLinks(config: config, publicURL: "https://rewards.example.com/", requiredCategories: ["security"])
        let headers = https.emailHeaders(recipientKey: "ana@example.com", category: "rewards")
        #expect(headers.map(\.name) == ["List-Unsubscribe", "List-Unsubscribe-Post"])
        #expect(headers[0].value.hasPrefix("<https://rewards.example.com/v1/unsubscribe/"))
        #expect(headers[0].value.contains(">, <mailto:unsubscribe@example.com?subject=unsubscribe%20"))
        #expect(headers[1].value == "List-Unsubscribe=One-Click")
        #expect(https.emailHeaders(recipientKey: "ana@example.com", category: "security").isEmpty)
        // The URL in the header verifies back to the recipient and category.
        let url = String(headers[0].value.dropFirst().prefix { $0 != ">" })
        let token = url.split(separator: "/").last.map(String.init) ?? ""
        #expect((try? https.signer.verify(token)) == PreferenceLink(recipientKey: "ana@example.com", purpose: .unsubscribe(category: "rewards")))
        // One-click needs https: over http only the link, no List-Unsubscribe-Post.
        let http = PreferenceLinks(config: PreferencesConfig(signingSecret: Self.secret), publicURL: "http://127.0.0.1:8080", requiredCategories: [])
        #expect(http.emailHeaders(recipientKey: "k", category: "rewards").map(\.name) == ["List-Unsubscribe"])
        #expect(http.preferencesURL(recipientKey: "k").hasPrefix("http://127.0.0.1:8080/v1/preferences/"))
    }

    @Test func theTableDefaultsToInAndRequiredIgnoresStoredOptOuts() {
        let categories = CategoriesConfig(categories: [
            MessageCategory(name: "security", displayNames: ["en": "Security", "id": "Keamanan"], required: true),
            MessageCategory(name: "rewards", displayNames: ["en": "Rewards", "de": "Prämien"]),
        ])
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        let stored = [
            Preference(recipientKey: "k", category: "rewards", channel: .email, optedIn: false, source: .unsubscribe, updatedAt: at),
            Preference(recipientKey: "k", category: "security", channel: .sms, optedIn: false, source: .api, updatedAt: at),
        ]
        let table = PreferenceTable(categories: categories, channels: [.email, .sms], stored: stored, locale: "de-DE")
        #expect(table.entries.map { "\($0.category) \($0.channel) \($0.optedIn)" } == [
            "rewards email false", "rewards sms true", "security email true", "security sms true",
        ])
        #expect(table.entries[0].displayName == "Prämien" && table.entries[0].choice?.source == .unsubscribe)
        #expect(table.entries[2].displayName == "Security" && table.entries[2].required)
        #expect(PreferenceTable.displayName(categories["security"]!, locale: "id-ID") == "Keamanan")
        #expect(PreferenceTable.displayName(MessageCategory(name: "news"), locale: "de") == "news")
    }

    @Test func changesAreCheckedBeforeAnythingIsStored() {
        let categories = CategoriesConfig(categories: [MessageCategory(name: "security", required: true)])
        func check(_ changes: [PreferenceChange]) -> String? {
            do {
                try PreferenceChange.validate(changes, categories: categories, channels: [.email, .sms]) { "preferences[\($0)]" }
                return nil
            } catch {
                return error.field
            }
        }
        #expect(check([PreferenceChange(category: "rewards", channel: .email, optedIn: false)]) == nil)
        #expect(check([PreferenceChange(category: "security", channel: .email, optedIn: true)]) == nil)
        #expect(check([PreferenceChange(category: "security", channel: .email, optedIn: false)]) == "preferences[0].opted_in")
        #expect(check([
            PreferenceChange(category: "rewards", channel: .email, optedIn: false), PreferenceChange(category: "nope", channel: .email, optedIn: true),
        ]) == "preferences[1].category")
        #expect(check([PreferenceChange(category: "rewards", channel: .whatsapp, optedIn: true)]) == "preferences[0].channel")
    }

    @Test func keysAreNormalisedLikeRecipientKeys() throws {
        #expect(try PreferenceKey.normalise("Ana@Example.COM") == "ana@example.com")
        #expect(try PreferenceKey.normalise("CRM-42") == "CRM-42")
        #expect(throws: ValidationError.self) { try PreferenceKey.normalise("") }
        #expect(throws: ValidationError.self) { try PreferenceKey.normalise("a\nb") }
    }

    @Test func configurationIsStrictAboutTheSecret() throws {
        func parse(_ yaml: String) throws -> PreferencesConfig? {
            try AccoladeConfig.parse(yaml: "store: { sqlite: /tmp/x.sqlite }\n" + yaml, environment: [:]).preferences
        }
        #expect(try parse("") == nil)
        #expect(try parse("preferences: { signing_secret: \"\" }") == nil)
        #expect(throws: ConfigError.self) { try parse("preferences: { signing_secret: short }") }
        #expect(throws: ConfigError.self) { try parse("preferences: { signing_secret: \(Self.secret), previous_secrets: [short] }") }
        #expect(throws: ConfigError.self) { try parse("preferences: { signing_secret: \(Self.secret), unsubscribe_mailto: \"not an address\" }") }
        #expect(throws: ConfigError.self) { try parse("preferences: { signing_secret: \(Self.secret), colour: blue }") }
        let config = try #require(try parse("preferences: { signing_secret: \(Self.secret), previous_secrets: [\(Self.old)], unsubscribe_mailto: u@example.com }"))
        #expect(config.previousSecrets == [Self.old] && config.unsubscribeMailto == "u@example.com")
        #expect(!"\(config)".contains(Self.secret))
    }
}
