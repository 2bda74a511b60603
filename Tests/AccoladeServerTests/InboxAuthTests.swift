import AccoladeCore
import AccoladeRuntime
@testable import AccoladeServer
import AccoladeTestSupport
import Foundation
import Hummingbird
import Logging
import Testing
import Yams

/// A wall clock a test sets.
final class SettableClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date) { current = start }
    func now() -> Date { lock.withLock { current } }
    func set(_ date: Date) { lock.withLock { current = date } }
    func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
}

/// `POST /v1/inbox/tokens`, inbox token authentication of the feed group and CORS for it, over
/// HTTP against a real server, through a test-only route `GET /v1/inbox/whoami` in
/// ``APIServer/inboxFeedGroup(_:)`` that answers the authenticated recipient (the feed routes
/// themselves: ``InboxFeedAPITests``).
@Suite("Inbox: tokens, feed authentication, CORS")
struct InboxAuthTests {
    static let secret = "inbox-tests-signing-secret-0123456789"
    static let origin = "https://crm.example.test"
    static let config = InboxChannelConfig(signingSecret: secret, allowedOrigins: [origin, "http://localhost:3000"])
    static let start = Date(timeIntervalSince1970: 1_796_000_000)

    static func server(clock: SettableClock = SettableClock(start)) async throws -> APITestServer {
        try await APITestServer(inbox: config, clock: clock) { api, router in
            api.inboxFeedGroup(router)?.get("whoami") { _, context in
                HTTPJSON.response(.object(["recipient": .string(try context.recipient())]))
            }
        }
    }

    static func mint(_ fields: [String: Any], on server: APITestServer) async throws -> HTTPResult {
        let body = String(decoding: try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]), as: UTF8.self)
        return try await server.request("POST", "/v1/inbox/tokens", json: body)
    }

    @Test("a token for one recipient, 1 h by default, signed with the configured secret, never cached")
    func mintsTokens() async throws {
        let clock = SettableClock(Self.start)
        let server = try await Self.server(clock: clock)
        var r = try await Self.mint(["recipient_id": "crm-10492"], on: server)
        #expect(r.status == 200, "\(r.text)")
        #expect(r.header("Cache-Control") == "no-store")
        var body = try r.json()
        #expect(Set(body.keys) == ["token", "expires_at"])
        let token = try #require(body["token"] as? String)
        let claims = try InboxTokenSigner(secret: Self.secret).verify(token, now: Self.start)
        #expect(claims.subject == "crm-10492")
        #expect(claims.expiresAt == Self.start.addingTimeInterval(3600))
        #expect(body["expires_at"] as? String == ISOTime.format(Self.start.addingTimeInterval(3600)))
        for (ttl, seconds) in [("15m", 900.0), ("1d", 86_400), ("90s", 90), ("24h", 86_400)] as [(Any, Double)] + [(600, 600.0)] {
            r = try await Self.mint(["recipient_id": "crm-10492", "ttl": ttl], on: server)
            body = try r.json()
            #expect(body["expires_at"] as? String == ISOTime.format(Self.start.addingTimeInterval(seconds)), "ttl \(ttl): \(r.text)")
        }
        await server.stop()
    }

    @Test("bad requests are 422 naming the field; no API token is 401; no inbox configured is 404")
    func refusesBadRequests() async throws {
        let server = try await Self.server()
        let cases: [([String: Any], String)] = [
            ([:], "recipient_id"),
            (["recipient_id": ""], "recipient_id"),
            (["recipient_id": 42], "recipient_id"),
            (["recipient_id": "a\nb"], "recipient_id"),
            (["recipient_id": String(repeating: "x", count: 256)], "recipient_id"),
            (["recipient_id": "a", "ttl": "30s"], "ttl"),
            (["recipient_id": "a", "ttl": "25h"], "ttl"),
            (["recipient_id": "a", "ttl": "1.5h"], "ttl"),
            (["recipient_id": "a", "ttl": "01h"], "ttl"),
            (["recipient_id": "a", "ttl": 59], "ttl"),
            (["recipient_id": "a", "ttl": 86_401], "ttl"),
            (["recipient_id": "a", "ttl": true], "ttl"),
            (["recipient_id": "a", "subject": "b"], "subject"),
        ]
        for (fields, field) in cases {
            let r = try await Self.mint(fields, on: server)
            #expect(r.status == 422, "\(fields): \(r.text)")
            #expect(try r.json()["field"] as? String == field, "\(fields): \(r.text)")
        }
        #expect(try await server.request("POST", "/v1/inbox/tokens", json: "[1]").status == 400)
        let anonymous = try await server.request("POST", "/v1/inbox/tokens", json: #"{"recipient_id":"a"}"#, token: nil)
        #expect(anonymous.status == 401)
        // An inbox token is no API token.
        let token = try InboxTokenSigner(secret: Self.secret).mint(subject: "a", lifetime: 600, now: Date()).compact
        #expect(try await server.request("POST", "/v1/inbox/tokens", json: #"{"recipient_id":"b"}"#, token: token).status == 401)
        await server.stop()

        let plain = try await APITestServer()
        #expect(try await plain.request("POST", "/v1/inbox/tokens", json: #"{"recipient_id":"a"}"#).status == 404)
        await plain.stop()
    }

    @Test("feed routes take an inbox token in the header or ?token=, never an API token; expiry follows the clock")
    func feedAuthentication() async throws {
        let clock = SettableClock(Self.start)
        let server = try await Self.server(clock: clock)
        let token = try #require(try await Self.mint(["recipient_id": "crm-10492", "ttl": "10m"], on: server).json()["token"] as? String)

        var r = try await server.request("GET", "/v1/inbox/whoami", token: token)
        #expect(r.status == 200, "\(r.text)")
        #expect(try r.json()["recipient"] as? String == "crm-10492")
        r = try await server.request("GET", "/v1/inbox/whoami?token=\(token)", token: nil)
        #expect(try r.json()["recipient"] as? String == "crm-10492", "\(r.text)")

        r = try await server.request("GET", "/v1/inbox/whoami?token=\(token)", token: token)
        #expect(r.status == 400, "\(r.text)")
        r = try await server.request("GET", "/v1/inbox/whoami", token: nil)
        #expect(r.status == 401)
        #expect(try r.json()["type"] as? String == "urn:accolade:problem:token-invalid")
        #expect(r.header("WWW-Authenticate")?.hasPrefix("Bearer realm=\"accolade-inbox\"") == true)
        r = try await server.request("GET", "/v1/inbox/whoami", token: APITestServer.token)
        #expect(r.status == 401)
        #expect(try r.json()["type"] as? String == "urn:accolade:problem:token-invalid")
        let forged = try InboxTokenSigner(secret: Self.secret + "x").mint(subject: "crm-1", lifetime: 600, now: Self.start).compact
        r = try await server.request("GET", "/v1/inbox/whoami", token: forged)
        #expect(r.status == 401)
        #expect(try (r.json()["detail"] as? String)?.contains("signature") == true)

        clock.set(Self.start.addingTimeInterval(600))
        r = try await server.request("GET", "/v1/inbox/whoami?token=\(token)", token: nil)
        #expect(r.status == 401)
        let body = try r.json()
        #expect(body["type"] as? String == "urn:accolade:problem:token-expired")
        #expect(body["expired_at"] as? String == ISOTime.format(Self.start.addingTimeInterval(600)))
        #expect(r.header("WWW-Authenticate")?.contains("error=\"invalid_token\"") == true)
        await server.stop()
    }

    @Test("CORS: listed origins get their own origin back (errors too) and preflights; others 403; same origin passes")
    func cors() async throws {
        let server = try await Self.server()
        let token = try #require(try await Self.mint(["recipient_id": "crm-1"], on: server).json()["token"] as? String)

        var r = try await server.request(
            "OPTIONS", "/v1/inbox/whoami", token: nil,
            headers: ["Origin": Self.origin, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization"])
        #expect(r.status == 204, "\(r.text)")
        #expect(r.header("Access-Control-Allow-Origin") == Self.origin)
        #expect(r.header("Access-Control-Allow-Methods") == "GET, POST")
        #expect(r.header("Access-Control-Allow-Headers")?.contains("Authorization") == true)
        #expect(r.header("Access-Control-Allow-Credentials") == nil)
        #expect(r.header("Vary")?.hasPrefix("Origin") == true)

        r = try await server.request("GET", "/v1/inbox/whoami", token: token, headers: ["Origin": Self.origin])
        #expect(r.status == 200)
        #expect(r.header("Access-Control-Allow-Origin") == Self.origin)
        #expect(r.header("Vary") == "Origin")
        // The widget must read a 401 to know it needs a new token.
        r = try await server.request("GET", "/v1/inbox/whoami", token: nil, headers: ["Origin": "http://localhost:3000"])
        #expect(r.status == 401)
        #expect(r.header("Access-Control-Allow-Origin") == "http://localhost:3000")

        for method in ["GET", "OPTIONS"] {
            r = try await server.request(
                method, "/v1/inbox/whoami", token: method == "GET" ? token : nil,
                headers: ["Origin": "https://evil.example", "Access-Control-Request-Method": "GET"])
            #expect(r.status == 403, "\(method): \(r.text)")
            #expect(r.header("Access-Control-Allow-Origin") == nil)
            #expect(try r.json()["type"] as? String == "urn:accolade:problem:origin-not-allowed")
        }
        r = try await server.request("GET", "/v1/inbox/whoami", token: token, headers: ["Origin": "null"])
        #expect(r.status == 403)

        // Accolade's own pages (the demo) are same-origin: no list needed, no CORS headers.
        r = try await server.request("GET", "/v1/inbox/whoami", token: token, headers: ["Origin": server.base])
        #expect(r.status == 200, "\(r.text)")
        #expect(r.header("Access-Control-Allow-Origin") == nil)

        // The token route is server-to-server: no CORS at all.
        r = try await server.request("POST", "/v1/inbox/tokens", json: #"{"recipient_id":"a"}"#, headers: ["Origin": Self.origin])
        #expect(r.status == 200)
        #expect(r.header("Access-Control-Allow-Origin") == nil)
        r = try await server.request(
            "OPTIONS", "/v1/inbox/tokens", token: nil, headers: ["Origin": Self.origin, "Access-Control-Request-Method": "POST"])
        #expect(r.status == 405)
        await server.stop()
    }

    @Test("with channels.inbox the document lists exactly the routes, the token route behind the API token")
    func openAPI() async throws {
        let server = try await APITestServer(inbox: Self.config)
        let text = try await server.request("GET", "/openapi.yaml", token: nil).text
        let root = try #require(try Yams.load(yaml: text) as? [String: Any])
        let paths = try #require(root["paths"] as? [String: Any])
        let tokens = try #require((paths["/v1/inbox/tokens"] as? [String: Any])?["post"] as? [String: Any])
        #expect(tokens["operationId"] as? String == "createInboxToken")
        #expect(tokens["security"] == nil)
        #expect((tokens["responses"] as? [String: Any])?["401"] != nil)
        let schemas = try #require((root["components"] as? [String: Any])?["schemas"] as? [String: Any])
        #expect(schemas["InboxTokenRequest"] != nil && schemas["InboxToken"] != nil)
        #expect((root["tags"] as? [[String: Any]])?.contains { $0["name"] as? String == "inbox" } == true)
        var documented: Set<String> = []
        for (path, item) in paths {
            for method in (item as? [String: Any] ?? [:]).keys where OpenAPIDocumentTests.methods.contains(method) {
                documented.insert("\(method.uppercased()) \(OpenAPIDocumentTests.normalised(path))")
            }
        }
        let api = APIServer(.init(
            config: ServerConfig(), store: server.store,
            dispatcher: Dispatcher(store: server.store, renderer: try TemplateLibrary(directory: TestServer.repositoryRoot.appendingPathComponent("templates").path),
                channels: ChannelRegistry([]), clock: SystemWallClock(), logger: .init(label: "t")),
            templates: try TemplateLibrary(directory: TestServer.repositoryRoot.appendingPathComponent("templates").path),
            channels: [], inbox: Self.config, logger: .init(label: "t")))
        let routes = Set(api.routeList().map(OpenAPIDocumentTests.normalisedRoute))
        #expect(routes == documented, "routes \(routes.symmetricDifference(documented).sorted())")
        // Without the section the document is the base one, byte for byte.
        #expect(!OpenAPIDocument.render(templates: api.deps.templates, channels: [], inbox: false).contains("/v1/inbox"))
        await server.stop()
    }

    @Test("the ttl pattern in the document accepts exactly what the server accepts")
    func ttlPattern() throws {
        let regex = try Regex(InboxTokenLifetime.pattern)
        var texts: [String] = []
        for unit in ["s", "m", "h", "d"] {
            for n in [0, 1, 2, 9, 10, 23, 24, 25, 59, 60, 61, 99, 100, 999, 1000, 1399, 1400, 1439, 1440, 1441, 9999, 10_000, 79_999, 80_000, 85_999, 86_000, 86_399, 86_400, 86_401, 99_999] {
                texts.append("\(n)\(unit)")
                texts.append("0\(n)\(unit)")
            }
        }
        texts += ["", "h", "1", "60", "1.5h", " 1h", "1h ", "1H", "-1h", "+1h"]
        for text in texts {
            let matches = (try? regex.wholeMatch(in: text)) != nil
            #expect(matches == (InboxTokenLifetime.parse(text) != nil), "\(text)")
        }
    }
}
