import Foundation
import Testing

@testable import AccoladeCore

/// `channels.inbox`: strict keys, the secret's minimum length and masking, origins normalised as
/// browsers send them, and the channel absent unless configured with its secret.
@Suite("Inbox configuration")
struct InboxConfigTests {
    static let secret = "0123456789abcdef0123456789abcdef"  // 32 bytes

    static func parse(_ inbox: String, environment: [String: String] = [:]) throws(ConfigError) -> ChannelsConfig {
        try AccoladeConfig.parse(yaml: "channels:\n  inbox:\n" + inbox, environment: environment).channels
    }

    static func error(_ inbox: String, environment: [String: String] = [:]) -> ConfigError? {
        do throws(ConfigError) {
            _ = try parse(inbox, environment: environment)
            return nil
        } catch {
            return error
        }
    }

    @Test("every key read, defaults applied, secret masked")
    func keys() throws {
        let channels = try Self.parse(
            """
                signing_secret: ${INBOX_SECRET}
                allowed_origins: [ "https://CRM.example.com/", "http://localhost:3000", "https://crm.example.com:443" ]
                max_streams: 5000
                page_cache_mb: 0
            """, environment: ["INBOX_SECRET": Self.secret])
        let inbox = try #require(channels.inbox)
        #expect(inbox.signingSecret == Self.secret)
        #expect(inbox.allowedOrigins == ["https://crm.example.com", "http://localhost:3000"])
        #expect(inbox.maxStreams == 5000)
        #expect(inbox.pageCacheMegabytes == 0)
        #expect(!inbox.description.contains(Self.secret) && inbox.description.contains("••••"))
        #expect(channels.inboxDisabledReason == nil)
        let defaults = try #require(try Self.parse("    signing_secret: \(Self.secret)\n").inbox)
        #expect(defaults.allowedOrigins.isEmpty && defaults.maxStreams == InboxChannelConfig.defaultMaxStreams)
        #expect(defaults.pageCacheMegabytes == InboxChannelConfig.defaultPageCacheMegabytes)
    }

    @Test("absent section: no inbox; empty secret: no inbox, naming the variable to set")
    func absentOrDisabled() throws {
        let none = try AccoladeConfig.parse(yaml: "channels: {}\n", environment: [:]).channels
        #expect(none.inbox == nil && none.inboxDisabledReason == nil)
        let unset = try Self.parse("    signing_secret: ${ACCOLADE_INBOX_SECRET}\n    allowed_origins: [ \"https://crm.example.com\" ]\n")
        #expect(unset.inbox == nil)
        #expect(unset.inboxDisabledReason == "inbox is disabled: channels.inbox.signing_secret is empty (set ACCOLADE_INBOX_SECRET)")
        // Still validated while disabled: a typo stops start-up.
        #expect(Self.error("    signing_secret: ${ACCOLADE_INBOX_SECRET}\n    max_stream: 5\n")?.path == "channels.inbox.max_stream")
    }

    @Test(
        "bad values name the key path and never echo the secret",
        arguments: [
            ("    signing_secret: short-secret-0123456789\n", "channels.inbox.signing_secret", "32 bytes"),
            ("    signing_secret: \(secret)\n    allowed_origins: [ \"*\" ]\n", "channels.inbox.allowed_origins[0]", "wildcard"),
            ("    signing_secret: \(secret)\n    allowed_origins: [ \"https://a.example\", \"https://a.example/app\" ]\n", "channels.inbox.allowed_origins[1]", "web origin"),
            ("    signing_secret: \(secret)\n    allowed_origins: [ \"crm.example.com\" ]\n", "channels.inbox.allowed_origins[0]", "web origin"),
            ("    signing_secret: \(secret)\n    allowed_origins: [ \"null\" ]\n", "channels.inbox.allowed_origins[0]", "web origin"),
            ("    signing_secret: \(secret)\n    max_streams: 0\n", "channels.inbox.max_streams", "between"),
            ("    signing_secret: \(secret)\n    page_cache_mb: -1\n", "channels.inbox.page_cache_mb", "between"),
            ("    signing_secret: \(secret)\n    secret: x\n", "channels.inbox.secret", "unknown key"),
        ])
    func rejects(yaml: String, path: String, reason: String) {
        let error = Self.error(yaml)
        #expect(error?.path == path, "\(String(describing: error))")
        #expect(error?.reason.contains(reason) == true, "\(String(describing: error))")
        #expect(error?.description.contains("short-secret") == false)
    }

    @Test("origins are compared as browsers send them")
    func origins() {
        let cases: [(String, String?)] = [
            ("https://crm.example.com", "https://crm.example.com"),
            ("HTTPS://CRM.Example.COM/", "https://crm.example.com"),
            ("http://localhost:80", "http://localhost"),
            ("https://a.example:8443", "https://a.example:8443"),
            ("http://127.0.0.1:3000", "http://127.0.0.1:3000"),
            ("http://[::1]:3000", "http://[::1]:3000"),
            ("http://[::1]", "http://[::1]"),
            ("https://user@a.example", nil),
            ("https://a.example/path", nil),
            ("https://a.example?x", nil),
            ("https://a.example:0", nil),
            ("https://a.example:99999", nil),
            ("https://", nil),
            ("ftp://a.example", nil),
            ("null", nil),
            ("*", nil),
        ]
        for (text, expected) in cases {
            #expect(InboxChannelConfig.normaliseOrigin(text) == expected, "\(text)")
        }
        let config = InboxChannelConfig(signingSecret: Self.secret, allowedOrigins: ["https://crm.example.com"])
        #expect(config.allows(origin: "https://crm.example.com"))
        #expect(config.allows(origin: "https://crm.example.com:443"))
        #expect(!config.allows(origin: "https://crm.example.com.evil.example"))
        #expect(!config.allows(origin: "http://crm.example.com"))
        #expect(!config.allows(origin: "null"))
    }
}
