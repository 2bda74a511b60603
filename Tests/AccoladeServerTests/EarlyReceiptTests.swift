import AccoladeChannels
import AccoladeCore
import Foundation
import Logging
import Testing

/// Receipts over the real HTTP routes that beat the outcome they name: a provider calls back
/// before the worker's batched write stores its message id. They are answered 200, held, and
/// applied when the outcome is written; replayed failures never undo a delivery.
@Suite("HTTP API: receipts before the outcome")
struct EarlyReceiptTests {
    static func handlers(_ store: any Store) -> [any WebhookHandler] {
        SMSWebhookTests.handlers(store) + WhatsAppWebhookTests.handlers(store)
    }

    /// Queues a message and claims its delivery, as a worker about to send it.
    func claimed(_ server: APITestServer) async throws -> (message: String, claimed: ClaimedDelivery) {
        let id = try #require(try await server.send(APITestServer.reward()).json()["id"] as? String)
        let c = try #require(try await server.store.claim(owner: "t", limit: 1, now: Date(), lease: 30).first)
        return (id, c)
    }

    /// Writes the `sent` outcome carrying `providerID`, as the worker's batch would.
    func complete(_ server: APITestServer, _ c: ClaimedDelivery, providerID: String) async throws {
        let update = DeliveryUpdate(
            deliveryID: c.delivery.id, leaseOwner: "t", state: .sent, attempts: 1, nextAttemptAt: nil, provider: "backup",
            providerMessageID: providerID, lastError: nil, attempt: nil, followUp: nil, now: Date())
        #expect(try await server.store.complete([update]) == 1)
    }

    func twilio(_ server: APITestServer, sid: String, status: String) async throws -> HTTPResult {
        let form: [(String, String)] = [("MessageSid", sid), ("MessageStatus", status), ("AccountSid", "AC1")]
        let signature = TwilioSignature.compute(
            url: "https://rewards.example.test/v1/webhooks/twilio/status", parameters: form, authToken: SMSWebhookTests.authToken)
        return try await server.request(
            "POST", "/v1/webhooks/twilio/status", body: Array(FormURLEncoding.encode(form).utf8), token: nil,
            headers: ["Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature])
    }

    func whatsapp(_ server: APITestServer, wamid: String, status: String) async throws -> HTTPResult {
        let body = WhatsAppWebhookTests.statuses([(wamid, status, nil)])
        return try await server.request(
            "POST", "/v1/webhooks/whatsapp", body: body, token: nil,
            headers: [
                "Content-Type": "application/json",
                "X-Hub-Signature-256": WhatsAppSignature.header(body: body, appSecret: WhatsAppWebhookTests.appSecret),
            ])
    }

    func state(_ server: APITestServer, _ message: String) async throws -> DeliveryState? {
        try await server.store.deliveries(messageID: message).first?.state
    }

    @Test("a signed Twilio status callback and a WhatsApp status before the outcome: the deliveries end delivered")
    func receiptsBeforeTheOutcome() async throws {
        let server = try await APITestServer(webhookFactory: Self.handlers)
        let sms = try await claimed(server)
        let wa = try await claimed(server)
        let sid = "SM" + String(repeating: "7", count: 32)
        let wamid = "wamid.EARLY"
        #expect(try await twilio(server, sid: sid, status: "sent").status == 200)
        #expect(try await twilio(server, sid: sid, status: "delivered").status == 200)
        #expect(try await twilio(server, sid: sid, status: "delivered").status == 200)  // Twilio retrying: a duplicate
        #expect(try await whatsapp(server, wamid: wamid, status: "delivered").status == 200)
        #expect(try await whatsapp(server, wamid: wamid, status: "sent").status == 200)  // reordered
        #expect(try await state(server, sms.message) == .running)
        #expect(try await state(server, wa.message) == .running)

        try await complete(server, sms.claimed, providerID: sid)
        try await complete(server, wa.claimed, providerID: wamid)
        #expect(try await state(server, sms.message) == .delivered)
        #expect(try await state(server, wa.message) == .delivered)
        let view = try await server.request("GET", "/v1/messages/\(sms.message)").json()
        #expect((view["receipts"] as? [[String: Any]])?.compactMap { $0["status"] as? String } == ["sent", "delivered"])

        // A correctly signed `failed` replayed after `delivered` is history only: nothing goes back.
        #expect(try await twilio(server, sid: sid, status: "failed").status == 200)
        #expect(try await state(server, sms.message) == .delivered)
        await server.stop()
    }
}
