import AccoladeChannels
import AccoladeCore
import Foundation
import Logging
import Testing

/// SMS receipts over the real HTTP routes: signed Twilio status callbacks and Kannel DLRs move a
/// sent delivery to delivered/failed; forged ones change nothing.
@Suite("HTTP API: SMS webhooks")
struct SMSWebhookTests {
    static let authToken = "12345678901234567890123456789012"
    static let dlrKey = KannelDLRToken(secret: "dlr-test-secret")
    static let inboundToken = "mo-token-0123456789abcdef"

    static func handlers(_ store: any Store) -> [any WebhookHandler] {
        var logger = Logger(label: "webhook-test")
        logger.logLevel = .critical
        return [
            TwilioWebhook(authTokens: [authToken], store: store, logger: logger),
            KannelWebhook(tokens: [dlrKey], inboundTokens: [inboundToken], store: store, logger: logger),
        ]
    }

    /// Queues a message and marks its delivery sent with a provider id, as the worker would.
    func sentDelivery(_ server: APITestServer, providerID: String) async throws -> (message: String, delivery: String) {
        let id = try #require(try await server.send(APITestServer.reward()).json()["id"] as? String)
        let c = try #require(try await server.store.claim(owner: "t", limit: 1, now: Date(), lease: 30).first)
        let update = DeliveryUpdate(
            deliveryID: c.delivery.id, leaseOwner: "t", state: .sent, attempts: 1, nextAttemptAt: nil, provider: "backup",
            providerMessageID: providerID, lastError: nil, attempt: nil, followUp: nil, now: Date())
        #expect(try await server.store.complete([update]) == 1)
        return (id, c.delivery.id)
    }

    func state(_ server: APITestServer, _ message: String) async throws -> DeliveryState? {
        try await server.store.deliveries(messageID: message).first?.state
    }

    @Test("a signed Twilio status callback marks the delivery delivered; tampered or unsigned ones are 403")
    func twilio() async throws {
        let server = try await APITestServer(webhookFactory: Self.handlers)
        let (message, _) = try await sentDelivery(server, providerID: "SM0123456789abcdef0123456789abcdef")
        let form: [(String, String)] = [
            ("MessageSid", "SM0123456789abcdef0123456789abcdef"), ("MessageStatus", "delivered"), ("AccountSid", "AC1"),
        ]
        let url = "https://rewards.example.test/v1/webhooks/twilio/status"
        let signature = TwilioSignature.compute(url: url, parameters: form, authToken: Self.authToken)
        let body = FormURLEncoding.encode(form)
        let headers = ["Content-Type": "application/x-www-form-urlencoded"]
        let forged = try await server.request(
            "POST", "/v1/webhooks/twilio/status", body: Array(body.replacingOccurrences(of: "delivered", with: "failed").utf8),
            token: nil, headers: headers.merging(["X-Twilio-Signature": signature]) { a, _ in a })
        #expect(forged.status == 403)
        let unsigned = try await server.request("POST", "/v1/webhooks/twilio/status", body: Array(body.utf8), token: nil, headers: headers)
        #expect(unsigned.status == 403)
        #expect(try await state(server, message) == .sent)
        for _ in 0..<2 {  // the second is a provider retry: recorded once
            let r = try await server.request(
                "POST", "/v1/webhooks/twilio/status", body: Array(body.utf8), token: nil,
                headers: headers.merging(["X-Twilio-Signature": signature]) { a, _ in a })
            #expect(r.status == 200, "\(r.text)")
        }
        #expect(try await state(server, message) == .delivered)
        let view = try await server.request("GET", "/v1/messages/\(message)").json()
        #expect((view["receipts"] as? [[String: Any]])?.map { $0["status"] as? String } == ["delivered"])
        await server.stop()
    }

    @Test("a Kannel DLR with the delivery's token is applied; a forged token is 403")
    func kannel() async throws {
        let server = try await APITestServer(webhookFactory: Self.handlers)
        let (message, delivery) = try await sentDelivery(server, providerID: "kannel-1")
        let forged = try await server.request(
            "GET", "/v1/webhooks/kannel/dlr?token=\(delivery).AAAAAAAAAAAAAAAAAAAAAA&status=1", token: nil)
        #expect(forged.status == 403)
        let token = FormURLEncoding.encode(Self.dlrKey.make(deliveryID: delivery))
        let accepted = try await server.request("GET", "/v1/webhooks/kannel/dlr?token=\(token)&status=8", token: nil)
        #expect(accepted.status == 200)
        #expect(try await state(server, message) == .sent)
        let delivered = try await server.request("GET", "/v1/webhooks/kannel/dlr?token=\(token)&status=1&reply=ok", token: nil)
        #expect(delivered.status == 200)
        #expect(try await state(server, message) == .delivered)
        // Out of order: an "accepted by SMSC" after "delivered" is history only.
        #expect(try await server.request("GET", "/v1/webhooks/kannel/dlr?token=\(token)&status=4", token: nil).status == 200)
        #expect(try await state(server, message) == .delivered)
        await server.stop()
    }

    /// Posts a Twilio incoming-message webhook, signed unless `signed` is false.
    func twilioInbound(_ server: APITestServer, from: String, body: String, signed: Bool = true) async throws -> Int {
        let form: [(String, String)] = [
            ("MessageSid", "SM99"), ("AccountSid", "AC1"), ("From", from), ("To", "+15005550006"), ("Body", body),
        ]
        let url = "https://rewards.example.test/v1/webhooks/twilio/inbound"
        var headers = ["Content-Type": "application/x-www-form-urlencoded"]
        if signed { headers["X-Twilio-Signature"] = TwilioSignature.compute(url: url, parameters: form, authToken: Self.authToken) }
        let r = try await server.request(
            "POST", "/v1/webhooks/twilio/inbound", body: Array(FormURLEncoding.encode(form).utf8), token: nil, headers: headers)
        if r.status == 200 { #expect(r.text.contains("<Response></Response>")) }
        return r.status
    }

    @Test("a signed Twilio STOP suppresses the number, START lifts it; unsigned and ordinary replies change nothing")
    func twilioOptOut() async throws {
        let server = try await APITestServer(webhookFactory: Self.handlers)
        let number = "+6281234567890"
        #expect(try await twilioInbound(server, from: number, body: "STOP", signed: false) == 403)
        #expect(try await server.store.suppression(channel: .sms, address: number) == nil)
        #expect(try await twilioInbound(server, from: number, body: "please stop texting me") == 200)
        #expect(try await server.store.suppression(channel: .sms, address: number) == nil)
        #expect(try await twilioInbound(server, from: number, body: " Stop. ") == 200)
        let entry = try #require(try await server.store.suppression(channel: .sms, address: number))
        #expect(entry.reason == "replied STOP.")
        #expect(entry.source == "inbound:twilio")
        #expect(try await server.store.suppression(channel: .whatsapp, address: number) == nil)
        #expect(try await twilioInbound(server, from: number, body: "START") == 200)
        #expect(try await server.store.suppression(channel: .sms, address: number) == nil)
        #expect(try await twilioInbound(server, from: "not-a-number", body: "STOP") == 400)
        await server.stop()
    }

    @Test("Kannel MO with the inbound token applies STOP/UNSUBSCRIBE; a wrong or missing token is 403")
    func kannelOptOut() async throws {
        let server = try await APITestServer(webhookFactory: Self.handlers)
        let wrong = try await server.request("GET", "/v1/webhooks/kannel/inbound?token=nope&from=%2B628111&text=STOP", token: nil)
        #expect(wrong.status == 403)
        let missing = try await server.request("GET", "/v1/webhooks/kannel/inbound?from=%2B628111&text=STOP", token: nil)
        #expect(missing.status == 403)
        // Kannel may report the sender with a 00 international prefix.
        let ok = try await server.request(
            "GET", "/v1/webhooks/kannel/inbound?token=\(Self.inboundToken)&from=006281111111111&text=unsubscribe", token: nil)
        #expect(ok.status == 200)
        #expect(ok.text.isEmpty)
        #expect(try await server.store.suppression(channel: .sms, address: "+6281111111111")?.source == "inbound:kannel")
        let listed = try await server.store.suppressions(channel: .sms, after: nil, limit: 10)
        #expect(listed.map(\.address) == ["+6281111111111"])
        await server.stop()
    }
}
