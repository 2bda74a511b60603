import AccoladeCore
import AccoladeWorkflows
import Foundation
import Testing

/// `POST /v1/events`, `POST /v1/events/cancel` and `GET /v1/runs…` over real HTTP (no run worker:
/// runs stay where the trigger put them).
@Suite("HTTP API: events and runs", .serialized)
struct EventsAPITests {
    static let dealClosed = WorkflowDefinition(
        name: "deal-email", event: "deal.closed",
        steps: [
            WorkflowStep(action: .delay(.duration(3600))),
            WorkflowStep(action: .send(WorkflowSend(template: "reward-earned", channels: [.email]))),
        ],
        file: "deal-email.yml")

    static func server() async throws -> APITestServer {
        try await APITestServer(workflows: [dealClosed])
    }

    static func event(_ recipients: [String], data: String = #"{"program":"Kudos Awards","reward":{"voucher":{"amount":50000,"currency":"IDR"},"code":"RW-7Q2K","expires_on":"2026-12-31"}}"#, extra: String = "") -> String {
        #"{"event":"deal.closed","recipients":[\#(recipients.joined(separator: ","))],"data":\#(data)\#(extra)}"#
    }

    @Test("202 once durable with one run per recipient; GET /v1/runs/{id} shows it and the steps ahead; a replay is 200")
    func acceptedAndReplayed() async throws {
        let server = try await Self.server()
        defer { Task { await server.stop() } }
        let body = Self.event([#"{"id":"crm-1","email":"ana@example.test"}"#, #"{"email":"Bob@Example.test"}"#], extra: #","idempotency_key":"deal-7""#)
        let r = try await server.request("POST", "/v1/events", json: body)
        #expect(r.status == 202, "\(String(decoding: r.body, as: UTF8.self))")
        let json = try r.json()
        let runs = try #require(json["runs"] as? [[String: Any]])
        #expect(runs.map { $0["recipient_key"] as? String } == ["crm-1", "bob@example.test"])
        #expect(runs.allSatisfy { $0["status"] as? String == "created" && $0["workflow"] as? String == "deal-email" })
        let results = try #require(json["results"] as? [[String: Any]])
        #expect(results.map { $0["http_status"] as? Int } == [202, 202])
        let id = try #require(runs.first?["id"] as? String)

        let run = try await server.request("GET", "/v1/runs/\(id)").json()
        #expect(run["state"] as? String == "scheduled")
        #expect(run["step"] as? Int == 0)
        #expect((run["upcoming"] as? [[String: Any]])?.map { $0["kind"] as? String } == ["delay", "send"])
        #expect(run["idempotency_key"] as? String == "deal-7")

        let replay = try await server.request("POST", "/v1/events", json: body)
        #expect(replay.status == 200)
        #expect(replay.header("Idempotent-Replayed") == "true")
        #expect(try (replay.json()["runs"] as? [[String: Any]])?.map { $0["id"] as? String } == runs.map { $0["id"] as? String })
        #expect(try (replay.json()["runs"] as? [[String: Any]])?.allSatisfy { $0["status"] as? String == "replayed" } == true)

        let listed = try await server.request("GET", "/v1/runs?workflow=deal-email&state=scheduled&limit=1").json()
        #expect((listed["runs"] as? [[String: Any]])?.count == 1)
        #expect(listed["next_cursor"] as? String != nil)
    }

    @Test("the same key with another event: 409 for the only recipient, 207 with per-recipient results for several")
    func conflicts() async throws {
        let server = try await Self.server()
        defer { Task { await server.stop() } }
        let key = #","idempotency_key":"deal-8""#
        #expect(try await server.request("POST", "/v1/events", json: Self.event([#"{"id":"crm-1"}"#], extra: key)).status == 202)
        let other = #"{"program":"Another","reward":{"voucher":{"amount":1,"currency":"IDR"},"code":"X","expires_on":"2026-12-31"}}"#
        let single = try await server.request("POST", "/v1/events", json: Self.event([#"{"id":"crm-1"}"#], data: other, extra: key))
        #expect(single.status == 409)
        #expect(try (single.json()["existing_run_ids"] as? [String])?.count == 1)
        let mixed = try await server.request("POST", "/v1/events", json: Self.event([#"{"id":"crm-1"}"#, #"{"id":"crm-2"}"#], data: other, extra: key))
        #expect(mixed.status == 207)
        let results = try #require(try mixed.json()["results"] as? [[String: Any]])
        #expect(results.map { $0["http_status"] as? Int } == [409, 202])
        #expect((results[0]["problem"] as? [String: Any])?["status"] as? Int == 409)
    }

    @Test("an event nobody listens to is 202 with no runs; a redemption answers the runs it matched")
    func nothingAndRedemption() async throws {
        let server = try await Self.server()
        defer { Task { await server.stop() } }
        let r = try await server.request("POST", "/v1/events", json: #"{"event":"nobody.listens","recipients":[{"id":"crm-1"}]}"#)
        #expect(r.status == 202)
        #expect((try r.json()["runs"] as? [Any])?.isEmpty == true)
        let redeemed = try await server.request("POST", "/v1/events", json: #"{"event":"reward.redeemed","data":{"reward":{"code":"RW-NONE"}}}"#)
        #expect(redeemed.status == 202)
        #expect((try redeemed.json()["redeemed_runs"] as? [String]) == [])
    }

    static let refused: [(body: String, field: String)] = [
        (#"{"event":"deal.closed","recipients":[{"id":"crm-1"}],"data":{},"extra":1}"#, "extra"),
        (#"{"recipients":[{"id":"crm-1"}]}"#, "event"),
        (#"{"event":"deal.closed","recipients":{"id":"crm-1"}}"#, "recipients"),
        (#"{"event":"deal.closed","recipients":[{"id":"crm-1","fax":"1"}]}"#, "recipients[0].fax"),
        (#"{"event":"deal.closed","recipients":[{"name":"Nobody"}]}"#, "recipients[0]"),
        (#"{"event":"deal.closed","recipients":[{"id":"crm-1"}],"data":{"program":"P"}}"#, "data.reward"),
        (#"{"event":"deal.closed","recipients":[]}"#, "recipients"),
        (#"{"event":"reward.redeemed"}"#, "data"),
        (#"{"event":"deal.closed","recipients":[{"id":"crm-1"}],"cancellation_key":7}"#, "cancellation_key"),
    ]

    // One server for every case: a server per case would hold its sockets and store files open
    // at once with the rest of the suite, and the test process's open files are best kept few.
    @Test("every refusal is 422 naming its field, and stores nothing")
    func refusals() async throws {
        let server = try await Self.server()
        defer { Task { await server.stop() } }
        for (body, field) in Self.refused {
            let r = try await server.request("POST", "/v1/events", json: body)
            #expect(r.status == 422, "\(body): \(String(decoding: r.body, as: UTF8.self))")
            #expect(try r.json()["field"] as? String == field, "\(body)")
        }
        #expect(try await server.store.runs(matching: RunQuery()).isEmpty)
    }

    @Test("cancel by key: the runs end cancelled, a repeat cancels nothing; unknown runs are 404, bad filters 422")
    func cancelAndReads() async throws {
        let server = try await Self.server()
        defer { Task { await server.stop() } }
        let r = try await server.request("POST", "/v1/events", json: Self.event([#"{"id":"crm-1"}"#, #"{"id":"crm-2"}"#], extra: #","cancellation_key":"deal-9""#))
        let ids = try (r.json()["runs"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        #expect(ids.count == 2)
        let cancelled = try await server.request("POST", "/v1/events/cancel", json: #"{"cancellation_key":"deal-9"}"#)
        #expect(cancelled.status == 200)
        #expect(Set(try cancelled.json()["cancelled_runs"] as? [String] ?? []) == Set(ids))
        #expect(try await server.request("GET", "/v1/runs/\(ids[0])").json()["state"] as? String == "cancelled")
        let again = try await server.request("POST", "/v1/events/cancel", json: #"{"cancellation_key":"deal-9"}"#)
        #expect((try again.json()["cancelled_runs"] as? [String]) == [])
        #expect(try await server.request("POST", "/v1/events/cancel", json: #"{"key":"deal-9"}"#).status == 422)
        #expect(try await server.request("GET", "/v1/runs/run_nope").status == 404)
        #expect(try await server.request("GET", "/v1/runs?state=waiting").status == 422)
        #expect(try await server.request("GET", "/v1/runs?colour=red").status == 422)
    }
}
