import AccoladeCore
import Foundation
import Testing

/// `POST /v1/messages` to the inbox channel: addressed by `to.id`, refused before anything is
/// queued when the id cannot name a feed, and absent without `channels.inbox`.
@Suite("HTTP API: sending to the inbox")
struct InboxSendTests {
    static let config = InboxChannelConfig(signingSecret: String(repeating: "s", count: 40), allowedOrigins: [])

    static func reward(id: Any?, channels: [String]? = ["inbox"]) -> [String: Any] {
        var fields = APITestServer.reward()
        var to = fields["to"] as! [String: Any]
        to["id"] = id
        fields["to"] = to
        if let channels { fields["channels"] = channels }
        return fields
    }

    @Test("to.id addresses the inbox; without channels named, the inbox joins the route last")
    func accepted() async throws {
        let server = try await APITestServer(inbox: Self.config)
        let r = try await server.send(Self.reward(id: "crm-10492"))
        #expect(r.status == 202, "\(r.text)")
        let deliveries = try #require(try r.json()["deliveries"] as? [[String: Any]])
        #expect(deliveries.map { $0["channel"] as? String } == ["inbox"])
        let both = try await server.send(Self.reward(id: "crm-10492", channels: nil))
        #expect(try #require(try both.json()["deliveries"] as? [[String: Any]]).map { $0["channel"] as? String } == ["email", "inbox"])
        await server.stop()
    }

    @Test(
        "a missing or bad to.id is 422 naming to.id, and queues nothing",
        arguments: [nil, "", "crm\t1", String(repeating: "x", count: 256)] as [String?])
    func refused(id: String?) async throws {
        let server = try await APITestServer(inbox: Self.config)
        let r = try await server.send(Self.reward(id: id))
        #expect(r.status == 422 || r.status == 400, "\(r.text)")
        let field = try r.json()["field"] as? String
        #expect(field == "to.id", "\(r.text)")
        #expect(try await server.store.messages(matching: MessageQuery()).isEmpty)
        await server.stop()
    }

    @Test("without channels.inbox the route is as before and naming inbox is refused")
    func notConfigured() async throws {
        let server = try await APITestServer()
        let plain = try await server.send(Self.reward(id: "crm-10492", channels: nil))
        #expect(plain.status == 202)
        #expect(try #require(try plain.json()["deliveries"] as? [[String: Any]]).map { $0["channel"] as? String } == ["email"])
        let named = try await server.send(Self.reward(id: "crm-10492"))
        #expect(named.status == 422, "\(named.text)")
        #expect(named.text.contains("channel inbox is not configured"))
        await server.stop()
    }
}
