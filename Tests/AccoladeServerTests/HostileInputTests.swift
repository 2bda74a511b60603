import AccoladeCore
import Foundation
import Testing

/// Locales and time zones are refused at send, batch and preview unless well-formed and known,
/// naming the field: every distinct value would otherwise get formatters of its own.
@Suite("HTTP API: hostile locales and time zones")
struct HostileInputTests {
    @Test("send refuses a malformed locale or an unknown time zone with 422 naming the field")
    func send() async throws {
        let server = try await APITestServer()
        var message = APITestServer.reward()
        let cases: [(String, Any, String)] = [
            ("to.locale", "id-ID\u{0}x", "to.locale"), ("to.locale", String(repeating: "a", count: 5000), "to.locale"),
            ("to.timezone", "Mars/Olympus", "to.timezone"), ("locale", "not a locale", "locale"),
        ]
        for (path, value, field) in cases {
            message = APITestServer.reward()
            if path.hasPrefix("to.") {
                var to = message["to"] as! [String: Any]
                to[String(path.dropFirst(3))] = value
                message["to"] = to
            } else {
                message[path] = value
            }
            let r = try await server.send(message)
            #expect(r.status == 422, "\(path): \(r.text)")
            #expect(try r.json()["field"] as? String == field, "\(path): \(r.text)")
        }
        await server.stop()
    }

    @Test("batch items and previews are checked the same way")
    func batchAndPreview() async throws {
        let server = try await APITestServer()
        var bad = APITestServer.reward()
        bad["to"] = ["email": "ana@example.test", "timezone": "Nowhere/Land"]
        let body = try JSONSerialization.data(withJSONObject: ["messages": [APITestServer.reward(), bad]])
        let batch = try await server.request("POST", "/v1/messages/batch", json: String(decoding: body, as: UTF8.self))
        #expect(batch.status == 207, "\(batch.text)")
        let results = try #require(try batch.json()["results"] as? [[String: Any]])
        #expect((results[1]["problem"] as? [String: Any])?["field"] as? String == "messages[1].to.timezone")
        let preview = try await server.request(
            "POST", "/v1/previews", json: #"{"template":"reward-earned","channel":"sms","locale":"xx-<script>"}"#)
        #expect(preview.status == 422, "\(preview.text)")
        #expect(try preview.json()["field"] as? String == "locale")
        let page = try await server.request("GET", "/v1/templates/reward-earned/preview?locale=en%0A")
        #expect(page.status == 422, "\(page.text)")
        await server.stop()
    }
}
