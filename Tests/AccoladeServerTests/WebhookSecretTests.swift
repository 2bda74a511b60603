import AccoladeChannels
import AccoladeCore
import Foundation
import Logging
import Testing

/// A webhook whose secret is not configured has no route: nobody can reach it, signed or not.
@Suite("HTTP API: webhooks without secrets")
struct WebhookSecretTests {
    static let logger: Logger = {
        var logger = Logger(label: "webhook-secret-test")
        logger.logLevel = .critical
        return logger
    }()

    static func config(appSecret: String?, verifyToken: String?) -> WhatsAppChannelConfig {
        WhatsAppChannelConfig(phoneNumberID: "106540352242922", accessToken: "t", appSecret: appSecret, verifyToken: verifyToken)
    }

    @Test("no app_secret: no WhatsApp handler, so POST and GET /v1/webhooks/whatsapp are 404")
    func whatsappWithoutAppSecret() async throws {
        let server = try await APITestServer(webhookFactory: { store in
            [Self.config(appSecret: nil, verifyToken: "verify-token-0123456789").webhook(store: store, logger: Self.logger)].compactMap { $0 }
        })
        let body = WhatsAppWebhookTests.statuses([("wamid.X", "delivered", nil)])
        let post = try await server.request(
            "POST", "/v1/webhooks/whatsapp", body: body, token: nil,
            headers: ["X-Hub-Signature-256": WhatsAppSignature.header(body: body, appSecret: "")])
        #expect(post.status == 404)
        let get = try await server.request(
            "GET", "/v1/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1&hub.verify_token=verify-token-0123456789", token: nil)
        #expect(get.status == 404)
        await server.stop()
    }

    @Test("no verify_token: the handshake is 404 while signed notifications still work")
    func whatsappWithoutVerifyToken() async throws {
        let secret = "app-secret-0123456789abcdef"
        let server = try await APITestServer(webhookFactory: { store in
            [Self.config(appSecret: secret, verifyToken: nil).webhook(store: store, logger: Self.logger)].compactMap { $0 }
        })
        let get = try await server.request("GET", "/v1/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1&hub.verify_token=", token: nil)
        #expect(get.status == 404)
        let body = WhatsAppWebhookTests.statuses([("wamid.X", "delivered", nil)])
        let post = try await server.request(
            "POST", "/v1/webhooks/whatsapp", body: body, token: nil,
            headers: ["X-Hub-Signature-256": WhatsAppSignature.header(body: body, appSecret: secret)])
        #expect(post.status == 200)
        await server.stop()
    }

    @Test("no inbound_token on any Kannel provider: /v1/webhooks/kannel/inbound is 404, even with an empty token")
    func kannelWithoutInboundToken() async throws {
        let server = try await APITestServer(webhookFactory: { store in
            [KannelWebhook(tokens: [SMSWebhookTests.dlrKey], inboundTokens: [], store: store, logger: Self.logger)]
        })
        for query in ["token=&from=%2B628111&text=STOP", "from=%2B628111&text=STOP"] {
            let r = try await server.request("GET", "/v1/webhooks/kannel/inbound?\(query)", token: nil)
            #expect(r.status == 404)
        }
        #expect(try await server.store.suppression(channel: .sms, address: "+628111") == nil)
        await server.stop()
    }
}
