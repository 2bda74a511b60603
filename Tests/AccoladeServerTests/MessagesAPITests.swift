import AccoladeCore
import Foundation
import Testing

/// `POST/GET /v1/messages…` over real HTTP: status codes, idempotency, validation, paging.
@Suite("HTTP API: messages")
struct MessagesAPITests {
    @Test("a valid send is 202 with the message and its deliveries, durable at once")
    func accepted() async throws {
        let server = try await APITestServer()
        defer { Task { await server.stop() } }
        let r = try await server.send(APITestServer.reward())
        #expect(r.status == 202)
        let body = try r.json()
        let id = try #require(body["id"] as? String)
        #expect(body["status"] as? String == "accepted")
        let deliveries = try #require(body["deliveries"] as? [[String: Any]])
        #expect(deliveries.map { $0["channel"] as? String } == ["email"])
        #expect(deliveries.first?["state"] as? String == "available")
        #expect(r.header("Location") == "/v1/messages/\(id)")
        #expect(try await server.store.message(id: id) != nil)
        await server.stop()
    }

    @Test("same key and body replays the original with 200; another body is 409 naming the message")
    func idempotency() async throws {
        let server = try await APITestServer()
        let first = try await server.send(APITestServer.reward(), key: "deal-42")
        #expect(first.status == 202)
        let id = try first.json()["id"] as? String
        let replay = try await server.send(APITestServer.reward(), key: "deal-42")
        #expect(replay.status == 200)
        #expect(try replay.json()["id"] as? String == id)
        #expect(try replay.json()["status"] as? String == "replayed")
        #expect(replay.header("Idempotent-Replayed") == "true")
        let conflict = try await server.send(APITestServer.reward(amount: 75_000), key: "deal-42")
        #expect(conflict.status == 409)
        #expect(conflict.header("Content-Type") == "application/problem+json")
        let problem = try conflict.json()
        #expect(problem["existing_message_id"] as? String == id)
        #expect(problem["status"] as? Int == 409)
        #expect(try await server.store.snapshot(now: Date()).count(.available) == 1)
        await server.stop()
    }

    @Test("100 concurrent posts with one key make one message")
    func concurrentSameKey() async throws {
        let server = try await APITestServer()
        let statuses = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
            for _ in 0..<100 {
                group.addTask {
                    let r = try await server.send(APITestServer.reward(), key: "one-key")
                    return (r.status, try r.json()["id"] as? String)
                }
            }
            var all: [(Int, String?)] = []
            for try await s in group { all.append(s) }
            return all
        }
        #expect(statuses.filter { $0.0 == 202 }.count == 1)
        #expect(statuses.filter { $0.0 == 200 }.count == 99)
        #expect(Set(statuses.map(\.1)).count == 1)
        #expect(try await server.store.messages(matching: MessageQuery(limit: 10)).count == 1)
        await server.stop()
    }

    @Test(
        "invalid sends are 422 naming the field, and queue nothing",
        arguments: [
            (#"{"template":"no-such-template","to":{"email":"a@example.test"}}"#, "template"),
            (#"{"template":"reward-earned","to":{"email":"a@example.test"},"data":{"program":"X"}}"#, "data"),
            (#"{"template":"reward-earned","to":{"email":"not-an-address"},"data":{}}"#, "to"),
            (#"{"template":"reward-earned","to":{"email":"a@example.test"},"colour":"red"}"#, "colour"),
            (#"{"template":"reward-earned","to":{"email":"a@example.test","fax":"1"}}"#, "to.fax"),
            (#"{"template":"reward-earned","to":{"email":"a@example.test"},"send_at":"tomorrow"}"#, "send_at"),
            (#"{"template":"reward-earned","to":{"email":"a@example.test"},"channels":["pigeon"]}"#, "channels[0]"),
            (#"{"template":"reward-earned","to":"a@example.test"}"#, "to"),
            (#"[1,2,3]"#, "body"),
        ])
    func invalid(body: String, field: String) async throws {
        let server = try await APITestServer()
        let r = try await server.request("POST", "/v1/messages", json: body)
        #expect(r.status == 422, "\(r.text)")
        #expect(r.header("Content-Type") == "application/problem+json")
        let problem = try r.json()
        #expect((problem["field"] as? String)?.hasPrefix(field) == true, "\(problem)")
        #expect(problem["type"] as? String == "urn:accolade:problem:validation-failed")
        #expect(try await server.store.messages(matching: MessageQuery()).isEmpty)
        await server.stop()
    }

    @Test("a header value with CR/LF is refused (422) before anything is queued")
    func crlfInName() async throws {
        let server = try await APITestServer()
        var fields = APITestServer.reward()
        fields["to"] = ["email": "ana@example.test", "name": "Ana\r\nBcc: everyone@example.test"]
        let r = try await server.send(fields)
        #expect(r.status == 422, "\(r.text)")
        #expect(try await server.store.messages(matching: MessageQuery()).isEmpty)
        await server.stop()
    }

    @Test("malformed JSON is 400, an empty body is 400, over 1 MiB is 413")
    func malformedAndOversized() async throws {
        let server = try await APITestServer()
        let bad = try await server.request("POST", "/v1/messages", json: "{\"template\": ")
        #expect(bad.status == 400)
        #expect(try bad.json()["type"] as? String == "urn:accolade:problem:malformed-request")
        #expect(try await server.request("POST", "/v1/messages", json: "").status == 400)
        let big = "{\"template\":\"reward-earned\",\"data\":{\"note\":\"" + String(repeating: "x", count: 1 << 20) + "\"}}"
        let tooLarge = try await server.request("POST", "/v1/messages", json: big)
        #expect(tooLarge.status == 413)
        #expect(try tooLarge.json()["status"] as? Int == 413)
        await server.stop()
    }

    @Test("auth: missing or wrong token is 401 with a Bearer challenge; webhooks and health need none")
    func auth() async throws {
        let server = try await APITestServer()
        let missing = try await server.request("GET", "/v1/templates", token: nil)
        #expect(missing.status == 401)
        #expect(missing.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
        #expect(try await server.request("GET", "/v1/templates", token: "wrong").status == 401)
        #expect(try await server.request("GET", "/v1/messages/x", token: nil).status == 401)
        #expect(try await server.request("GET", "/v1/templates").status == 200)
        #expect(try await server.request("GET", "/healthz", token: nil).status == 200)
        #expect(try await server.request("POST", "/v1/webhooks/nobody", json: "{}", token: nil).status == 404)
        await server.stop()
    }

    @Test("GET by id shows deliveries and attempts with secrets masked; unknown ids are 404")
    func getByID() async throws {
        let server = try await APITestServer()
        let id = try #require(try await server.send(APITestServer.reward()).json()["id"] as? String)
        let r = try await server.request("GET", "/v1/messages/\(id)")
        #expect(r.status == 200)
        let body = try r.json()
        #expect(body["template"] as? String == "reward-earned")
        #expect((body["attempts"] as? [Any])?.isEmpty == true)
        #expect((body["receipts"] as? [Any])?.isEmpty == true)
        let reward = ((body["data"] as? [String: Any])?["reward"] as? [String: Any])
        #expect(reward?["code"] as? String == TemplateManifest.mask)
        #expect(!r.text.contains("RW-7Q2K"))
        let missing = try await server.request("GET", "/v1/messages/0193-nope")
        #expect(missing.status == 404)
        #expect(missing.header("Content-Type") == "application/problem+json")
        await server.stop()
    }

    @Test("the listing filters by recipient and pages by cursor")
    func listing() async throws {
        let server = try await APITestServer()
        var ids: [String] = []
        for i in 0..<5 {
            let r = try await server.send(APITestServer.reward(email: i < 3 ? "ana@example.test" : "bob@example.test"))
            ids.append(try #require(try r.json()["id"] as? String))
        }
        let page1 = try await server.request("GET", "/v1/messages?recipient=ana@example.test&limit=2").json()
        let first = try #require(page1["messages"] as? [[String: Any]])
        #expect(first.map { $0["id"] as? String } == [ids[2], ids[1]])
        let cursor = try #require(page1["next_cursor"] as? String)
        let page2 = try await server.request("GET", "/v1/messages?recipient=ana@example.test&limit=2&cursor=\(cursor)").json()
        #expect((page2["messages"] as? [[String: Any]])?.map { $0["id"] as? String } == [ids[0]])
        #expect(page2["next_cursor"] == nil)
        #expect(try await server.request("GET", "/v1/messages?state=available").json()["messages"].map { ($0 as? [Any])?.count } == 5)
        #expect(try await server.request("GET", "/v1/messages?state=bogus").status == 422)
        #expect(try await server.request("GET", "/v1/messages?since=yesterday").status == 422)
        #expect(try await server.request("GET", "/v1/messages?colour=red").status == 422)
        await server.stop()
    }

    @Test("retry requeues failed deliveries and is 404 for unknown messages")
    func retry() async throws {
        let server = try await APITestServer()
        let id = try #require(try await server.send(APITestServer.reward()).json()["id"] as? String)
        let claimed = try await server.store.claim(owner: "t", limit: 1, now: Date(), lease: 30)
        let c = try #require(claimed.first)
        let update = DeliveryUpdate(
            deliveryID: c.delivery.id, leaseOwner: "t", state: .failed, attempts: 1, nextAttemptAt: nil, provider: "smtp",
            providerMessageID: nil, lastError: "550 no such user", attempt: nil, followUp: nil, now: Date())
        #expect(try await server.store.complete([update]) == 1)
        let r = try await server.request("POST", "/v1/messages/\(id)/retry")
        #expect(r.status == 200)
        #expect(try r.json()["requeued"] as? [String] == [c.delivery.id])
        #expect(try await server.store.deliveries(messageID: id).first?.state == .available)
        #expect(try await server.request("POST", "/v1/messages/nope/retry").status == 404)
        await server.stop()
    }

    @Test("a batch stores the valid items in one go and reports the bad one by index")
    func batch() async throws {
        let server = try await APITestServer()
        var bad = APITestServer.reward()
        bad["to"] = ["email": "broken"]
        let items: [[String: Any]] = [APITestServer.reward(email: "a@example.test"), bad, APITestServer.reward(email: "c@example.test")]
        let data = try JSONSerialization.data(withJSONObject: ["messages": items])
        let r = try await server.request("POST", "/v1/messages/batch", json: String(decoding: data, as: UTF8.self))
        #expect(r.status == 207, "\(r.text)")
        let body = try r.json()
        #expect(body["accepted"] as? Int == 2)
        #expect(body["rejected"] as? Int == 1)
        let results = try #require(body["results"] as? [[String: Any]])
        #expect(results.map { $0["http_status"] as? Int } == [202, 422, 202])
        let problem = try #require(results[1]["problem"] as? [String: Any])
        #expect((problem["field"] as? String)?.hasPrefix("messages[1].to") == true)
        #expect(try await server.store.messages(matching: MessageQuery()).count == 2)
        let empty = try await server.request("POST", "/v1/messages/batch", json: "{\"messages\": []}")
        #expect(empty.status == 422)
        await server.stop()
    }
}
