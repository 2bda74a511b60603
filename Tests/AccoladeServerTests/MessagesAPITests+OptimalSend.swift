import AccoladeCore
import Foundation
import Testing

/// `send_at: "optimal"` on `POST /v1/messages` (single and batch): the picked time and its
/// explanation are stored and shown; a replay matches; anything else is a 422 naming the field.
@Suite("HTTP API: messages: optimal send time")
struct MessagesAPIOptimalSendTests {
    static func optimal(email: String = "ana@example.test") -> [String: Any] {
        var fields = APITestServer.reward(email: email)
        fields["to"] = ["email": email, "name": "Ana Putri", "locale": "id-ID", "timezone": "Asia/Jakarta"]
        fields["send_at"] = "optimal"
        return fields
    }

    @Test("without history the default hour is picked, within the horizon, and the reason is shown")
    func defaultHour() async throws {
        let server = try await APITestServer()
        let r = try await server.send(Self.optimal(), key: "opt-1")
        #expect(r.status == 202)
        let id = try #require(try r.json()["id"] as? String)
        let shown = try await server.request("GET", "/v1/messages/\(id)").json()
        let reason = try #require(shown["send_at_reason"] as? String)
        #expect(reason.hasPrefix("optimal send time: ") && reason.hasSuffix("Asia/Jakarta: no engagement history: default 10:00"), "\(reason)")
        let message = try #require(try await server.store.message(id: id))
        let sendAt = try #require(message.sendAt)
        #expect(sendAt >= message.createdAt && sendAt <= message.createdAt.addingTimeInterval(86_400))
        // 10:00 in Jakarta is 03:00 UTC.
        #expect(Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: sendAt).hour == 3)
        #expect(message.sendAtReason == reason)
        #expect(try await server.store.deliveries(messageID: id).allSatisfy { $0.nextAttemptAt == sendAt })
        // The same request again is a replay of the original, not a conflict (the request said optimal, not a time).
        let again = try await server.send(Self.optimal(), key: "opt-1")
        let againID = try again.json()["id"] as? String
        #expect(again.status == 200 && againID == id)
        // A time under the same key is another request.
        var timed = Self.optimal()
        timed["send_at"] = "2030-01-01T09:00:00Z"
        #expect(try await server.send(timed, key: "opt-1").status == 409)
        await server.stop()
    }

    @Test("batch items may say optimal too")
    func batch() async throws {
        let server = try await APITestServer()
        let items = [Self.optimal(email: "a@example.test"), APITestServer.reward(email: "b@example.test")]
        let body = try JSONSerialization.data(withJSONObject: ["messages": items])
        let r = try await server.request("POST", "/v1/messages/batch", json: String(decoding: body, as: UTF8.self))
        #expect(r.status == 202)
        let messages = try await server.store.messages(matching: MessageQuery(limit: 10))
        #expect(messages.count == 2)
        #expect(messages.first { $0.recipient.email == "a@example.test" }?.sendAtReason?.contains("default 10:00") == true)
        #expect(messages.first { $0.recipient.email == "b@example.test" }?.sendAtReason == nil)
        await server.stop()
    }

    @Test("send_at must be a time or optimal")
    func invalid() async throws {
        let server = try await APITestServer()
        for value: Any in ["soon", "Optimal", 7] {
            var fields = Self.optimal()
            fields["send_at"] = value
            let r = try await server.send(fields)
            #expect(r.status == 422, "\(value)")
            let problem = try r.json()
            #expect(problem["field"] as? String == "send_at", "\(problem)")
        }
        await server.stop()
    }
}
