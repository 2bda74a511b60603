import AccoladeChannels
import AccoladeCore
import Foundation
import Logging
import Testing

/// WhatsApp webhooks over the real HTTP routes: the subscription handshake, signed status
/// notifications (deduplicated, monotonic, failed with its code) and inbound messages (window,
/// STOP/START). Forged or unsigned notifications change nothing.
@Suite("HTTP API: WhatsApp webhooks")
struct WhatsAppWebhookTests {
    static let appSecret = "whatsapp-app-secret-0123456789"
    static let verifyToken = "verify-token-7f3c"

    static func handlers(_ store: any Store) -> [any WebhookHandler] {
        var logger = Logger(label: "webhook-test")
        logger.logLevel = .critical
        return [WhatsAppWebhook(appSecret: appSecret, verifyToken: verifyToken, store: store, logger: logger)]
    }

    /// Queues a message and marks its delivery sent with a wamid, as the worker would.
    func sentDelivery(_ server: APITestServer, wamid: String) async throws -> String {
        let id = try #require(try await server.send(APITestServer.reward()).json()["id"] as? String)
        let c = try #require(try await server.store.claim(owner: "t", limit: 1, now: Date(), lease: 30).first)
        let update = DeliveryUpdate(
            deliveryID: c.delivery.id, leaseOwner: "t", state: .sent, attempts: 1, nextAttemptAt: nil, provider: "whatsapp",
            providerMessageID: wamid, lastError: nil, attempt: nil, followUp: nil, now: Date())
        #expect(try await server.store.complete([update]) == 1)
        return id
    }

    static func statuses(_ items: [(wamid: String, status: String, code: Int?)]) -> [UInt8] {
        let list = items.map { item -> String in
            let errors: String = item.code.map { #","errors":[{"code":\#($0),"title":"Message undeliverable","message":"Message undeliverable","error_data":{"details":"x"}}]"# } ?? ""
            return #"{"id":"\#(item.wamid)","status":"\#(item.status)","timestamp":"1750857384","recipient_id":"6281234567890"\#(errors)}"#
        }.joined(separator: ",")
        return Array(#"{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"statuses":[\#(list)]},"field":"messages"}]}]}"#.utf8)
    }

    static func inbound(from: String, text: String, timestamp: Int) -> [UInt8] {
        Array(#"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Ana"},"wa_id":"\#(from)"}],"messages":[{"from":"\#(from)","id":"wamid.in\#(timestamp)","timestamp":"\#(timestamp)","type":"text","text":{"body":"\#(text)"}}]},"field":"messages"}]}]}"#.utf8)
    }

    func post(_ server: APITestServer, _ body: [UInt8], signature: String?) async throws -> HTTPResult {
        var headers = ["Content-Type": "application/json"]
        if let signature { headers["X-Hub-Signature-256"] = signature }
        return try await server.request("POST", "/v1/webhooks/whatsapp", body: body, token: nil, headers: headers)
    }

    func signed(_ server: APITestServer, _ body: [UInt8]) async throws -> HTTPResult {
        try await post(server, body, signature: WhatsAppSignature.header(body: body, appSecret: Self.appSecret))
    }

    @Test("the GET handshake echoes hub.challenge only for the right verify token")
    func handshake() async throws {
        let server = try await APITestServer(webhookFactory: Self.handlers)
        let ok = try await server.request(
            "GET", "/v1/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=\(Self.verifyToken)", token: nil)
        #expect(ok.status == 200 && ok.text == "1158201444")
        let wrong = try await server.request("GET", "/v1/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1&hub.verify_token=nope", token: nil)
        #expect(wrong.status == 403 && !wrong.text.contains(Self.verifyToken))
        let mode = try await server.request(
            "GET", "/v1/webhooks/whatsapp?hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=\(Self.verifyToken)", token: nil)
        #expect(mode.status == 403)
        await server.stop()
    }

    @Test("signature: good is 200; tampered body, wrong secret and missing header are 403 and change nothing")
    func signatures() async throws {
        let server = try await APITestServer(webhookFactory: Self.handlers)
        let message = try await sentDelivery(server, wamid: "wamid.SIG")
        let body = Self.statuses([("wamid.SIG", "delivered", nil)])
        let good = WhatsAppSignature.header(body: body, appSecret: Self.appSecret)
        let tampered = Array(String(decoding: body, as: UTF8.self).replacingOccurrences(of: "delivered", with: "read").utf8)
        #expect(try await post(server, tampered, signature: good).status == 403)
        #expect(try await post(server, body, signature: WhatsAppSignature.header(body: body, appSecret: "not-the-secret")).status == 403)
        #expect(try await post(server, body, signature: nil).status == 403)
        #expect(try await post(server, body, signature: "sha256=").status == 403)
        #expect(try await server.store.deliveries(messageID: message).first?.state == .sent)
        #expect(try await post(server, body, signature: good).status == 200)
        #expect(try await server.store.deliveries(messageID: message).first?.state == .delivered)
        await server.stop()
    }

    @Test("statuses out of order and duplicated end monotonic, each recorded once")
    func outOfOrderAndDuplicated() async throws {
        let server = try await APITestServer(webhookFactory: Self.handlers)
        let message = try await sentDelivery(server, wamid: "wamid.ORDER")
        // read arrives first, then sent and delivered late, and every event twice.
        for status in ["read", "read", "sent", "delivered", "delivered", "sent"] {
            #expect(try await signed(server, Self.statuses([("wamid.ORDER", status, nil)])).status == 200)
        }
        #expect(try await server.store.deliveries(messageID: message).first?.state == .read)
        let receipts = try await server.store.receipts(messageID: message)
        #expect(receipts.map(\.status).sorted() == ["delivered", "read", "sent"])
        // Several statuses in one POST, unknown wamids ignored.
        #expect(try await signed(server, Self.statuses([("wamid.ORDER", "delivered", nil), ("wamid.UNKNOWN", "read", nil)])).status == 200)
        #expect(try await server.store.receipts(messageID: message).count == 3)
        await server.stop()
    }

    @Test("a failed status is terminal and carries its error code")
    func failedCarriesTheCode() async throws {
        let server = try await APITestServer(webhookFactory: Self.handlers)
        let message = try await sentDelivery(server, wamid: "wamid.FAIL")
        #expect(try await signed(server, Self.statuses([("wamid.FAIL", "failed", 131026)])).status == 200)
        #expect(try await signed(server, Self.statuses([("wamid.FAIL", "delivered", nil)])).status == 200)
        #expect(try await server.store.deliveries(messageID: message).first?.state == .failed)
        let failed = try #require(try await server.store.receipts(messageID: message).first { $0.status == "failed" })
        #expect(failed.detail?.hasPrefix("131026") == true && failed.provider == "whatsapp")
        await server.stop()
    }

    @Test("inbound messages open the 24-hour window; STOP suppresses and START lifts it")
    func inboundWindowAndOptOut() async throws {
        let server = try await APITestServer(webhookFactory: Self.handlers)
        let now = Int(Date().timeIntervalSince1970)
        #expect(try await signed(server, Self.inbound(from: "6281234567890", text: "thanks!", timestamp: now - 60)).status == 200)
        let last = try await server.store.lastInbound(channel: .whatsapp, address: "+6281234567890")
        #expect(last.map { Int($0.timeIntervalSince1970) } == now - 60)
        // An older message delivered late does not move the window back.
        #expect(try await signed(server, Self.inbound(from: "6281234567890", text: "earlier", timestamp: now - 7200)).status == 200)
        #expect(try await server.store.lastInbound(channel: .whatsapp, address: "+6281234567890").map { Int($0.timeIntervalSince1970) } == now - 60)
        #expect(try await signed(server, Self.inbound(from: "6281234567890", text: "Stop.", timestamp: now)).status == 200)
        let entry = try await server.store.suppression(channel: .whatsapp, address: "+6281234567890")
        #expect(entry?.source == "inbound:whatsapp")
        #expect(try await server.store.suppression(channel: .sms, address: "+6281234567890") == nil)
        #expect(try await signed(server, Self.inbound(from: "6281234567890", text: "START", timestamp: now + 1)).status == 200)
        #expect(try await server.store.suppression(channel: .whatsapp, address: "+6281234567890") == nil)
        await server.stop()
    }
}
