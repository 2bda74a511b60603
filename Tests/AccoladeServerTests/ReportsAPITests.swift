import AccoladeCore
import Foundation
import Testing

/// `GET /v1/reports`: the figures of the rollups as JSON and CSV, and its refusals.
@Suite("HTTP API: reports")
struct ReportsAPITests {
    @Test("accepted messages show up per programme, with the issued value per currency, as JSON and CSV")
    func report() async throws {
        let server = try await APITestServer()
        #expect(try await server.send(APITestServer.reward()).status == 202)
        #expect(try await server.send(APITestServer.reward(email: "budi@example.test", amount: 25_000)).status == 202)
        let r = try await server.request("GET", "/v1/reports?by=programme,channel&tz=Asia/Jakarta")
        #expect(r.status == 200, "\(r.text)")
        let body = try r.json()
        #expect(body["tz"] as? String == "Asia/Jakarta")
        let rows = try #require(body["rows"] as? [[String: Any]])
        #expect(rows.count == 1, "\(rows)")
        let row = try #require(rows.first)
        #expect(row["programme"] as? String == "Kudos Awards" && row["channel"] as? String == "email")
        #expect(row["messages"] as? Int == 2)
        let issued = try #require(row["reward_issued"] as? [[String: Any]])
        #expect(issued.count == 1 && issued[0]["currency"] as? String == "IDR" && issued[0]["amount"] as? String == "75000")
        let totals = try #require(body["totals"] as? [String: Any])
        #expect((totals["deliveries"] as? [String: Any])?["queued"] as? Int == 2)

        let csv = try await server.request("GET", "/v1/reports?by=day&format=csv")
        #expect(csv.status == 200 && csv.header("Content-Type")?.hasPrefix("text/csv") == true)
        let lines = csv.text.split(separator: "\r\n")
        #expect(lines.first?.hasPrefix("period,messages,queued,sent,") == true, "\(csv.text)")
        #expect(lines.first?.contains("reward_issued_IDR") == true)
        #expect(lines.last?.hasPrefix("total,2,") == true, "\(csv.text)")
        await server.stop()
    }

    @Test("an unknown parameter or a bad value is 422 naming it", arguments: [
        ("since=yesterday", "since"), ("by=hour", "by"), ("by=day,week", "by"), ("tz=Mars/Olympus", "tz"),
        ("format=xml", "format"), ("since=2026-12-01&until=2026-11-01", "since"), ("limit=5", "limit"),
    ])
    func refusals(query: String, field: String) async throws {
        let server = try await APITestServer()
        let r = try await server.request("GET", "/v1/reports?\(query)")
        #expect(r.status == 422, "\(query): \(r.text)")
        #expect(try r.json()["field"] as? String == field, "\(r.text)")
        await server.stop()
    }
}
