import AccoladeCore
import Foundation
import Testing

/// `category` on `POST /v1/messages` (single and batch) and in the message JSON.
@Suite("HTTP API: messages: categories")
struct MessagesAPICategoryTests {
    static let categories = CategoriesConfig(categories: [MessageCategory(name: "security", required: true)])

    @Test("a declared category is stored and shown; none given is rewards")
    func shown() async throws {
        let server = try await APITestServer(categories: Self.categories)
        var fields = APITestServer.reward()
        fields["category"] = "security"
        let r = try await server.send(fields)
        #expect(r.status == 202)
        let id = try #require(try r.json()["id"] as? String)
        let shown = try await server.request("GET", "/v1/messages/\(id)")
        #expect(try shown.json()["category"] as? String == "security")
        let plain = try await server.send(APITestServer.reward(email: "budi@example.test"))
        let plainID = try #require(try plain.json()["id"] as? String)
        #expect(try await server.request("GET", "/v1/messages/\(plainID)").json()["category"] as? String == "rewards")
        #expect(try await server.store.message(id: id)?.category == "security")
        // Listed messages carry it too.
        let list = try await server.request("GET", "/v1/messages?limit=10").json()
        let items = try #require(list["messages"] as? [[String: Any]] ?? list["items"] as? [[String: Any]])
        #expect(Set(items.compactMap { $0["category"] as? String }) == ["security", "rewards"])
        await server.stop()
    }

    @Test("an unknown category is 422 naming the field, and nothing is queued")
    func unknown() async throws {
        let server = try await APITestServer(categories: Self.categories)
        for value: Any in ["news", 7, "Security"] {
            var fields = APITestServer.reward()
            fields["category"] = value
            let r = try await server.send(fields)
            #expect(r.status == 422, "\(value)")
            let problem = try r.json()
            #expect(problem["field"] as? String == "category", "\(problem)")
        }
        let batch = try await server.request(
            "POST", "/v1/messages/batch",
            json: #"{"messages": [{"template": "reward-earned", "to": {"email": "a@example.test"}, "category": "news", "data": {"program": "P", "reward": {"points": 5, "code": "C", "expires_on": "2026-12-31"}}}]}"#)
        #expect(batch.status == 207 || batch.status == 422 || batch.status == 200, "\(batch.status)")
        #expect(String(decoding: batch.body, as: UTF8.self).contains("unknown category"))
        #expect(try await server.store.snapshot(now: Date()).counts.values.reduce(0, +) == 0)
        await server.stop()
    }
}
