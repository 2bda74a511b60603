import AccoladeCore
@testable import AccoladeServer
import Foundation
import Testing

/// `POST /v1/reports/tokens` and `GET /v1/reports/dashboard` over HTTP against a real server
/// (issue 18): the link opens the page without the API token, until it expires; every refusal is
/// a page that says why.
@Suite("HTTP API: reports dashboard")
struct DashboardAPITests {
    static let start = Date(timeIntervalSince1970: 1_796_000_000)

    static func mint(_ server: APITestServer, json: String? = nil) async throws -> (token: String, url: String, body: [String: Any]) {
        let r = try await server.request("POST", "/v1/reports/tokens", json: json)
        #expect(r.status == 200, "\(r.text)")
        #expect(r.header("Cache-Control") == "no-store")
        let body = try r.json()
        return (try #require(body["token"] as? String), try #require(body["url"] as? String), body)
    }

    @Test("a minted link opens the dashboard without the API token, with the strict headers, until it expires")
    func opensTheDashboard() async throws {
        let clock = SettableClock(Self.start)
        let server = try await APITestServer(clock: clock)
        #expect(try await server.send(APITestServer.reward()).status == 202)
        let (token, url, body) = try await Self.mint(server)
        #expect(Set(body.keys) == ["token", "expires_at", "url"])
        #expect(body["expires_at"] as? String == ISOTime.format(Self.start.addingTimeInterval(900)))
        #expect(url == "https://rewards.example.test/v1/reports/dashboard?token=\(token)")

        let page = try await server.request("GET", "/v1/reports/dashboard?token=\(token)&since=2026-01-01&until=2026-12-31&tz=Asia/Jakarta", token: nil)
        #expect(page.status == 200, "\(page.text)")
        #expect(page.header("Content-Type") == "text/html; charset=utf-8")
        #expect(page.header("Content-Security-Policy") == DashboardPage.contentSecurityPolicy)
        #expect(page.header("Cache-Control") == "no-store" && page.header("Referrer-Policy") == "no-referrer")
        #expect(page.header("Set-Cookie") == nil)
        #expect(page.text.contains("data-stage=\"accepted\" data-count=\"1\""), "\(page.text.prefix(3000))")
        #expect(page.text.contains("data-tz=\"Asia/Jakarta\""))
        #expect(page.text.contains("name=\"token\" value=\"\(token)\""))

        // One second before the end it still opens; at the end it is refused, saying so.
        clock.set(Self.start.addingTimeInterval(899))
        #expect(try await server.request("GET", "/v1/reports/dashboard?token=\(token)", token: nil).status == 200)
        clock.set(Self.start.addingTimeInterval(900))
        let expired = try await server.request("GET", "/v1/reports/dashboard?token=\(token)", token: nil)
        #expect(expired.status == 401 && expired.text.contains("This dashboard link has expired"), "\(expired.text)")
        #expect(expired.header("WWW-Authenticate")?.contains("invalid_token") == true)
        #expect(expired.header("Content-Security-Policy") == DashboardPage.contentSecurityPolicy)
        await server.stop()
    }

    @Test("ttl: a duration or seconds within 1 min … 24 h; anything else is 422 naming the field")
    func lifetimes() async throws {
        let server = try await APITestServer(clock: SettableClock(Self.start))
        for (json, seconds) in [("{\"ttl\": \"1h\"}", 3600.0), ("{\"ttl\": 86400}", 86_400), ("{}", 900), ("{\"ttl\": null}", 900)] {
            let body = try await Self.mint(server, json: json).body
            #expect(body["expires_at"] as? String == ISOTime.format(Self.start.addingTimeInterval(seconds)), "\(json)")
        }
        for (json, field) in [("{\"ttl\": \"2d\"}", "ttl"), ("{\"ttl\": 30}", "ttl"), ("{\"ttl\": true}", "ttl"), ("{\"scope\": 1}", "scope")] {
            let r = try await server.request("POST", "/v1/reports/tokens", json: json)
            let named = try r.json()["field"] as? String
            #expect(r.status == 422 && named == field, "\(json): \(r.text)")
        }
        #expect(try await server.request("POST", "/v1/reports/tokens", json: "[1]").status == 400)
        #expect(try await server.request("POST", "/v1/reports/tokens", json: "{", token: nil).status == 401)
        await server.stop()
    }

    @Test("refusals are pages: no token, a cut or altered one, another server's, an API token, an unknown parameter, a bad period")
    func refusals() async throws {
        let server = try await APITestServer(clock: SettableClock(Self.start))
        let token = try await Self.mint(server).token
        let other = try DashboardTokenSigner(secret: "another-servers-secret-0123456789abcdef").mint(lifetime: 900, now: Self.start).compact
        var altered = Array(token)
        altered[altered.count - 3] = altered[altered.count - 3] == "A" ? "B" : "A"
        for (query, status, text) in [
            ("", 401, "No dashboard token"), ("?token=", 401, "No dashboard token"),
            ("?token=\(token.dropLast(20))", 401, "not valid"), ("?token=\(String(altered))", 401, "signature does not match"),
            ("?token=\(other)", 401, "signature does not match"), ("?token=\(APITestServer.token)", 401, "not valid"),
            ("?token=\(token)&by=day", 400, "by is not a dashboard parameter"),
            ("?token=\(token)&since=2026-12-09&until=2026-12-01", 422, "since: must be before until"),
            ("?token=\(token)&tz=Mars/Olympus", 422, "tz: "), ("?token=\(token)&since=", 422, "since: "),
        ] {
            let r = try await server.request("GET", "/v1/reports/dashboard\(query)", token: nil)
            #expect(r.status == status, "\(query): \(r.status) \(r.text)")
            #expect(r.text.contains(text), "\(query): \(r.text)")
            #expect(r.header("Content-Type") == "text/html; charset=utf-8" && r.header("Cache-Control") == "no-store")
        }
        // A bad period keeps the token in the picker, so fixing it is one submit.
        let bad = try await server.request("GET", "/v1/reports/dashboard?token=\(token)&tz=Mars/Olympus", token: nil)
        #expect(bad.text.contains("name=\"token\" value=\"\(token)\"") && bad.text.contains("value=\"Mars/Olympus\""))
        await server.stop()
    }

    @Test("the dashboard counts what GET /v1/reports counts, and lists failure reasons")
    func sameFiguresAsTheReport() async throws {
        let server = try await APITestServer()
        for i in 0..<3 { #expect(try await server.send(APITestServer.reward(email: "p\(i)@example.test")).status == 202) }
        let token = try await Self.mint(server).token
        let report = try await server.request("GET", "/v1/reports?by=day,channel")
        let rows = try #require(try report.json()["rows"] as? [[String: Any]])
        let page = try await server.request("GET", "/v1/reports/dashboard?token=\(token)", token: nil).text
        for row in rows {
            let period = try #require(row["period"] as? String)
            let channel = try #require(row["channel"] as? String)
            #expect(page.contains("data-period=\"\(period)\" data-channel=\"\(channel)\""), "\(period) \(channel)")
        }
        #expect(page.contains("data-stage=\"accepted\" data-count=\"3\""))
        #expect(page.contains("No delivery failed in this period."))
        await server.stop()
    }
}
