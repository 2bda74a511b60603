import Foundation
import Testing

@testable import AccoladeCore

/// `channels.whatsapp`: strict keys, `${VAR}` substitution, masked secrets.
@Suite("WhatsApp configuration")
struct WhatsAppConfigTests {
    static let yaml = """
        channels:
          whatsapp:
            api_base: http://127.0.0.1:9999/
            api_version: v23.0
            phone_number_id: "106540352242922"
            access_token: ${WHATSAPP_TOKEN}
            app_secret: ${WHATSAPP_APP_SECRET}
            verify_token: ${WHATSAPP_VERIFY_TOKEN}
            rate_per_second: 250
            media: upload
        """

    @Test func parsesTheDocumentedKeysAndMasksSecrets() throws {
        let env = ["WHATSAPP_TOKEN": "EAAG-secret-token", "WHATSAPP_APP_SECRET": "app-secret-0123456789", "WHATSAPP_VERIFY_TOKEN": "verify-me-0123456789"]
        let config = try AccoladeConfig.parse(yaml: Self.yaml, environment: env)
        let w = try #require(config.channels.whatsapp)
        #expect(w.apiBase == "http://127.0.0.1:9999" && w.apiVersion == "v23.0" && w.phoneNumberID == "106540352242922")
        #expect(w.accessToken == "EAAG-secret-token" && w.appSecret == "app-secret-0123456789" && w.verifyToken == "verify-me-0123456789")
        #expect(w.ratePerSecond == 250 && w.media == .upload)
        #expect(w.messagesURL == "http://127.0.0.1:9999/v23.0/106540352242922/messages")
        #expect(w.mediaURL == "http://127.0.0.1:9999/v23.0/106540352242922/media")
        for secret in env.values { #expect(!w.description.contains(secret)) }
    }

    @Test func defaults() throws {
        let config = try AccoladeConfig.parse(
            yaml: "channels:\n  whatsapp:\n    phone_number_id: \"123456789\"\n    access_token: t\n", environment: [:])
        let w = try #require(config.channels.whatsapp)
        #expect(w.apiBase == "https://graph.facebook.com" && w.apiVersion == "v23.0" && w.ratePerSecond == 80 && w.media == .link)
        #expect(w.appSecret == nil && w.verifyToken == nil)
    }

    @Test("errors name channels.whatsapp.<key>", arguments: [
        ("phone_number_id: \"12a45\"\naccess_token: t", "channels.whatsapp.phone_number_id"),
        ("access_token: t", "channels.whatsapp.phone_number_id"),
        ("phone_number_id: \"123456\"\naccess_token: t\napp_secret: short-secret", "channels.whatsapp.app_secret"),
        ("phone_number_id: \"123456\"\naccess_token: t\nverify_token: ${SHORT}", "channels.whatsapp.verify_token"),
        ("phone_number_id: \"123456\"\nverify_token: fifteen-bytes-x", "channels.whatsapp.verify_token"),
        ("phone_number_id: \"123456\"\naccess_token: t\napi_version: 23", "channels.whatsapp.api_version"),
        ("phone_number_id: \"123456\"\naccess_token: t\napi_base: ftp://x", "channels.whatsapp.api_base"),
        ("phone_number_id: \"123456\"\naccess_token: t\napi_base: https://graph.facebook.com/v23.0", "channels.whatsapp.api_base"),
        ("phone_number_id: \"123456\"\naccess_token: t\nmedia: inline", "channels.whatsapp.media"),
        ("phone_number_id: \"123456\"\naccess_token: t\nrate_per_second: -1", "channels.whatsapp.rate_per_second"),
        ("phone_number_id: \"123456\"\naccess_token: t\nverify_tokn: x", "channels.whatsapp.verify_tokn"),
    ])
    func rejects(body: String, path: String) {
        let yaml = "channels:\n  whatsapp:\n" + body.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n") + "\n"
        do {
            _ = try AccoladeConfig.parse(yaml: yaml, environment: ["SHORT": "123456789012345"])
            Issue.record("accepted \(body)")
        } catch {
            #expect(error.path == path, "\(error)")
        }
    }

    /// An unset access token disables the channel (one warning at start-up names the variable)
    /// instead of stopping every command, so `preview` or `status` work without credentials.
    @Test("an empty access_token disables the channel, naming the variable", arguments: [
        ("access_token: ${WHATSAPP_TOKEN}", ["WHATSAPP_TOKEN"]),
        ("access_token: ${WHATSAPP_TOKEN:-}", ["WHATSAPP_TOKEN"]),
        ("access_token: \"\"", []),
        ("app_secret: ${WHATSAPP_APP_SECRET}", []),
    ])
    func disabledWithoutAccessToken(line: String, variables: [String]) throws {
        let yaml = "channels:\n  whatsapp:\n    phone_number_id: \"123456\"\n    " + line + "\n"
        let config = try AccoladeConfig.parse(yaml: yaml, environment: ["WHATSAPP_TOKEN": ""])
        #expect(config.channels.whatsapp == nil)
        let disabled = try #require(config.channels.disabledProviders.first)
        #expect(config.channels.disabledProviders.count == 1)
        #expect(disabled.channel == .whatsapp && disabled.key == "channels.whatsapp.access_token" && disabled.variables == variables)
        #expect(config.channels.disabledReason(.whatsapp)?.contains("channels.whatsapp.access_token is empty") == true)
        if let variable = variables.first { #expect(disabled.description.contains("set \(variable)")) }
    }

    @Test("webhook secrets: 16 bytes suffice; unset ones leave their route off, named by key")
    func webhookSecrets() throws {
        let base = "channels:\n  whatsapp:\n    phone_number_id: \"123456\"\n    access_token: t\n"
        let both = try AccoladeConfig.parse(
            yaml: base + "    app_secret: 0123456789abcdef\n    verify_token: ${VERIFY}\n", environment: ["VERIFY": "fedcba9876543210"])
        #expect(both.channels.whatsapp?.appSecret == "0123456789abcdef" && both.channels.webhookGaps.isEmpty)
        let none = try AccoladeConfig.parse(yaml: base + "    app_secret: ${UNSET}\n", environment: [:])
        #expect(none.channels.whatsapp?.appSecret == nil)
        #expect(none.channels.webhookGaps.map(\.key) == ["channels.whatsapp.app_secret", "channels.whatsapp.verify_token"])
        #expect(none.channels.webhookGaps.map(\.route) == ["POST /v1/webhooks/whatsapp", "GET /v1/webhooks/whatsapp"])
    }
}
