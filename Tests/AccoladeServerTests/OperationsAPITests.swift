import AccoladeCore
import Foundation
import Testing

/// Templates, previews, health, metrics and webhook routing over real HTTP.
@Suite("HTTP API: templates, previews, operations, webhooks")
struct OperationsAPITests {
    @Test("GET /v1/templates lists templates with channels, locales and variables")
    func templates() async throws {
        let server = try await APITestServer()
        let body = try await server.request("GET", "/v1/templates").json()
        let items = try #require(body["templates"] as? [[String: Any]])
        let reward = try #require(items.first { $0["name"] as? String == "reward-earned" })
        #expect((reward["channels"] as? [String])?.contains("email") == true)
        #expect((reward["locales"] as? [String])?.contains("id") == true)
        #expect((reward["variables"] as? [String: Any])?["secret"] as? [String] == ["reward.code"])
        await server.stop()
    }

    @Test("POST /v1/previews renders one channel with secrets masked; bad input is 422")
    func previews() async throws {
        let server = try await APITestServer()
        let r = try await server.request(
            "POST", "/v1/previews", json: #"{"template":"reward-earned","channel":"sms","locale":"id"}"#)
        #expect(r.status == 200, "\(r.text)")
        let parts = try #require(try r.json()["parts"] as? [String: Any])
        #expect(parts["encoding"] as? String == "gsm7")
        #expect((parts["segments"] as? Int ?? 0) >= 1)
        #expect(!(parts["text"] as? String ?? "").contains("RW-7Q2K"))
        let email = try await server.request(
            "POST", "/v1/previews", json: #"{"template":"reward-earned","channel":"email","locale":"de"}"#).json()
        #expect(((email["parts"] as? [String: Any])?["html"] as? String)?.contains("<") == true)
        #expect(try await server.request("POST", "/v1/previews", json: #"{"template":"nope","channel":"sms"}"#).status == 422)
        #expect(try await server.request("POST", "/v1/previews", json: #"{"template":"reward-earned","channel":"fax"}"#).status == 422)
        #expect(
            try await server.request(
                "POST", "/v1/previews", json: #"{"template":"reward-earned","channel":"sms","data":{"program":"X"}}"#
            ).status == 422)
        await server.stop()
    }

    @Test("the preview page is HTML; unknown templates are 404")
    func previewPage() async throws {
        let server = try await APITestServer()
        let r = try await server.request("GET", "/v1/templates/reward-earned/preview?locale=id")
        #expect(r.status == 200)
        #expect(r.header("Content-Type")?.hasPrefix("text/html") == true)
        #expect(r.text.hasPrefix("<!doctype html>"))
        #expect(try await server.request("GET", "/v1/templates/nope/preview").status == 404)
        await server.stop()
    }

    @Test("health, readiness and Prometheus metrics")
    func operations() async throws {
        let server = try await APITestServer()
        #expect(try await server.request("GET", "/healthz", token: nil).status == 200)
        let ready = try await server.request("GET", "/readyz", token: nil)
        #expect(ready.status == 200)
        #expect(try ready.json()["status"] as? String == "ready")
        _ = try await server.send(APITestServer.reward())
        let metrics = try await server.request("GET", "/metrics", token: nil)
        #expect(metrics.status == 200)
        #expect(metrics.text.contains("accolade_queue_depth{state=\"available\"}"))
        #expect(metrics.text.contains("accolade_api_requests_total"))
        #expect(metrics.text.contains("accolade_api_request_duration_seconds_bucket"))
        let unknown = try await server.request("GET", "/v2/nothing")
        #expect(unknown.status == 404)
        #expect(unknown.header("Content-Type") == "application/problem+json")
        await server.stop()
    }

    @Test("/readyz lists channels paused by a misconfigured provider, with the key to fix; the node stays ready")
    func pausedChannels() async throws {
        let server = try await APITestServer()
        try await server.store.recordPause(ProviderPause(
            channel: .email, provider: "smtp", configKey: "channels.email.smtp.ca_file",
            reason: "smtp curl:60: SSL certificate problem", since: Date(timeIntervalSince1970: 1_800_000_000),
            nextProbeAt: Date(timeIntervalSince1970: 1_800_000_010), owner: "worker-1"))
        let ready = try await server.request("GET", "/readyz", token: nil)
        #expect(ready.status == 200)
        let paused = try #require(try ready.json()["paused"] as? [[String: Any]])
        #expect(paused.count == 1)
        #expect(paused.first?["channel"] as? String == "email")
        #expect(paused.first?["config_key"] as? String == "channels.email.smtp.ca_file")
        #expect(paused.first?["next_probe_at"] as? String == "2027-01-15T08:00:10.000Z")
        // The exporter is shared by every test in this process, so only the series' presence is checked here.
        #expect(try await server.request("GET", "/metrics", token: nil).text.contains("accolade_channel_paused{channel=\"email\"}"))
        await server.stop()
    }

    @Test("webhooks get the raw body, headers and the public URL; rejections answer their status")
    func webhookRouting() async throws {
        let recorder = RecordingWebhook()
        let server = try await APITestServer(webhooks: ["acme": recorder])
        let body = #"{"b":1,  "a":2}"#
        let r = try await server.request(
            "POST", "/v1/webhooks/acme/status?x=1&y=%20two", json: body, token: nil, headers: ["X-Signature": "abc"])
        #expect(r.status == 200)
        #expect(r.text == "ok")
        let seen = try #require(await recorder.requests.first)
        #expect(seen.body == Array(body.utf8))
        #expect(seen.event == "status")
        #expect(seen.headers["x-signature"] == "abc")
        #expect(seen.publicURL == "https://rewards.example.test/v1/webhooks/acme/status?x=1&y=%20two")
        #expect(seen.queryValue("y") == " two")
        let get = try await server.request("GET", "/v1/webhooks/acme?hub.challenge=42", token: nil)
        #expect(get.status == 200)
        let rejected = try await server.request("POST", "/v1/webhooks/acme/reject", json: "{}", token: nil)
        #expect(rejected.status == 403)
        #expect(rejected.header("Content-Type") == "application/problem+json")
        await server.stop()
    }
}

/// A webhook handler that records what it is given and rejects the `reject` event.
actor RecordingWebhook: WebhookHandler {
    nonisolated let provider = "acme"
    private(set) var requests: [WebhookRequest] = []

    func handle(_ request: WebhookRequest) async throws -> WebhookResponse {
        requests.append(request)
        if request.event == "reject" { throw WebhookRejection(status: 403, reason: "bad signature") }
        return .ok()
    }
}
