import AccoladeCore
import AccoladeRuntime
@testable import AccoladeServer
import AccoladeTestSupport
import Foundation
import Logging
import Testing
import Yams

/// `GET /openapi.yaml` describes exactly the routes the server has.
@Suite("OpenAPI document")
struct OpenAPIDocumentTests {
    static let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    @Test("served without auth, OpenAPI 3.1, every route and nothing else, every operation complete")
    func document() async throws {
        let server = try await APITestServer()
        let r = try await server.request("GET", "/openapi.yaml", token: nil)
        #expect(r.status == 200)
        #expect(r.header("Content-Type")?.hasPrefix("application/yaml") == true)
        let root = try #require(try Yams.load(yaml: r.text) as? [String: Any], "not a YAML mapping")
        let version = try #require(root["openapi"] as? String)
        #expect(version.hasPrefix("3.1."), "openapi: \(version)")
        let paths = try #require(root["paths"] as? [String: Any])

        var documented: Set<String> = []
        var operationIDs: [String] = []
        for (path, value) in paths {
            let item = try #require(value as? [String: Any], "\(path) is not a mapping")
            for (method, operationValue) in item where Self.methods.contains(method) {
                documented.insert("\(method.uppercased()) \(Self.normalised(path))")
                let operation = try #require(operationValue as? [String: Any], "\(method) \(path)")
                let id = operation["operationId"] as? String
                #expect(id?.isEmpty == false, "\(method.uppercased()) \(path) has no operationId")
                operationIDs.append(id ?? "")
                let responses = operation["responses"] as? [String: Any] ?? [:]
                #expect(!responses.isEmpty, "\(method.uppercased()) \(path) has no responses")
                for (status, response) in responses {
                    let object = response as? [String: Any] ?? [:]
                    #expect(object["description"] != nil || object["$ref"] != nil, "\(method) \(path) \(status)")
                }
                // Path parameters are declared for every {name} in the path.
                for name in Self.parameterNames(path) {
                    let declared = Self.parameters(operation, item, components: root)
                    #expect(declared.contains(name), "\(method.uppercased()) \(path) does not declare {\(name)}")
                }
            }
        }
        #expect(Set(operationIDs).count == operationIDs.count, "operationIds repeat: \(operationIDs.sorted())")

        let routes = Set(try Self.serverRoutes(server).map(Self.normalisedRoute))
        #expect(routes.subtracting(documented).sorted() == [], "routes missing from openapi.yaml")
        #expect(documented.subtracting(routes).sorted() == [], "openapi.yaml documents routes the server lacks")
        #expect(routes.count >= 15)
        await server.stop()
    }

    @Test("bearer auth everywhere in /v1 except webhooks, QR images, preference links and the inbox feed (inbox token); operations are public")
    func security() throws {
        let templates = try TemplateLibrary(directory: TestServer.repositoryRoot.appendingPathComponent("templates").path)
        for document in [OpenAPIDocument.base, OpenAPIDocument.render(templates: templates, channels: [], inbox: true)] {
            try Self.checkSecurity(document)
        }
    }

    /// Who may call what: the API token by default; nothing for operations, webhooks, QR images
    /// and the inbox's public widget and demo page; the inbox token (header or `?token=`) for the
    /// recipient's feed under `/v1/inbox/` (its token route is for backends: the API token); the
    /// dashboard token (`?token=`) for the reports dashboard.
    static func checkSecurity(_ document: String) throws {
        let root = try #require(try Yams.load(yaml: document) as? [String: Any])
        let schemes = (root["components"] as? [String: Any])?["securitySchemes"] as? [String: Any]
        let bearer = schemes?["bearerAuth"] as? [String: Any]
        #expect(bearer?["type"] as? String == "http")
        #expect(bearer?["scheme"] as? String == "bearer")
        #expect((root["security"] as? [[String: Any]])?.first?["bearerAuth"] != nil)
        let paths = try #require(root["paths"] as? [String: Any])
        let inboxPublic: Set<String> = ["/v1/inbox/widget.js", "/v1/inbox/demo", "/v1/inbox/demo.js", "/v1/inbox/demo.css"]
        for (path, value) in paths {
            for (method, operationValue) in value as? [String: Any] ?? [:] where Self.methods.contains(method) {
                let operation = operationValue as? [String: Any] ?? [:]
                let security = operation["security"] as? [[String: Any]]
                let isPublic = security?.isEmpty == true
                let isFeed = path.hasPrefix("/v1/inbox/") && path != "/v1/inbox/tokens" && !inboxPublic.contains(path)
                // The signed links in messages: the token in the path is the credential.
                let isLink = path.hasPrefix("/v1/unsubscribe/") || path.hasPrefix("/v1/preferences/")
                let shouldBePublic = !path.hasPrefix("/v1/") || path.hasPrefix("/v1/webhooks/") || path.hasPrefix("/v1/qr/")
                    || inboxPublic.contains(path) || isLink
                #expect(isPublic == shouldBePublic, "\(method.uppercased()) \(path): public \(isPublic)")
                if isFeed {
                    // Either form of the inbox token, never the API token.
                    #expect(security?.map { Set($0.keys) } == [["inboxToken"], ["inboxTokenQuery"]], "\(method.uppercased()) \(path)")
                    let inbox = schemes?["inboxToken"] as? [String: Any]
                    #expect(inbox?["scheme"] as? String == "bearer" && inbox?["bearerFormat"] as? String == "JWT")
                    let query = schemes?["inboxTokenQuery"] as? [String: Any]
                    #expect(query?["in"] as? String == "query" && query?["name"] as? String == "token")
                } else if path == "/v1/reports/dashboard" {
                    // The dashboard link's own token in the query, never the API token.
                    #expect(security?.map { Set($0.keys) } == [["dashboardToken"]], "\(method.uppercased()) \(path)")
                    let dashboard = schemes?["dashboardToken"] as? [String: Any]
                    #expect(dashboard?["type"] as? String == "apiKey" && dashboard?["in"] as? String == "query" && dashboard?["name"] as? String == "token")
                } else if !isPublic {
                    #expect(security == nil, "\(method.uppercased()) \(path) should take the document's API token")
                }
                if !isPublic {
                    #expect((operation["responses"] as? [String: Any])?["401"] != nil, "\(method) \(path) lacks 401")
                }
            }
        }
    }

    /// The server's own route list, as `APIServer.routeList()` prints it: an `APIServer` over the
    /// harness's store (the routes do not depend on the dependencies' values).
    static func serverRoutes(_ server: APITestServer) throws -> [String] {
        let logger = Logger(label: "openapi-test")
        let templates = try TemplateLibrary(directory: TestServer.repositoryRoot.appendingPathComponent("templates").path)
        let api = APIServer(
            .init(
                config: ServerConfig(host: "127.0.0.1", port: 0, publicURL: "http://127.0.0.1", tokens: []),
                store: server.store,
                dispatcher: Dispatcher(
                    store: server.store, renderer: templates, channels: ChannelRegistry([]), clock: SystemWallClock(), logger: logger),
                templates: templates, channels: [], logger: logger))
        return api.routeList()
    }

    /// `GET /v1/messages/{id}` (or `:id`, or without the leading slash) → `GET /v1/messages/{}`.
    static func normalisedRoute(_ route: String) -> String {
        let parts = route.split(separator: " ", maxSplits: 1).map(String.init)
        return "\(parts[0].uppercased()) \(normalised(parts.count > 1 ? parts[1] : ""))"
    }

    /// A path with every parameter written `{}` and one leading slash, no trailing one.
    static func normalised(_ path: String) -> String {
        let segments = path.split(separator: "/").map { segment -> String in
            if segment.hasPrefix("{") && segment.hasSuffix("}") || segment.hasPrefix(":") { return "{}" }
            return String(segment)
        }
        return "/" + segments.joined(separator: "/")
    }

    /// The `{name}`s of a path template.
    static func parameterNames(_ path: String) -> [String] {
        path.split(separator: "/").filter { $0.hasPrefix("{") && $0.hasSuffix("}") }.map { String($0.dropFirst().dropLast()) }
    }

    /// Names of the path parameters an operation declares (inline, on its path item, or by `$ref`).
    static func parameters(_ operation: [String: Any], _ item: [String: Any], components root: [String: Any]) -> Set<String> {
        let shared = (root["components"] as? [String: Any])?["parameters"] as? [String: Any] ?? [:]
        let all = (operation["parameters"] as? [Any] ?? []) + (item["parameters"] as? [Any] ?? [])
        var names: Set<String> = []
        for case let parameter as [String: Any] in all {
            var resolved = parameter
            if let ref = parameter["$ref"] as? String, let name = ref.split(separator: "/").last {
                resolved = shared[String(name)] as? [String: Any] ?? [:]
            }
            if resolved["in"] as? String == "path", let name = resolved["name"] as? String { names.insert(name) }
        }
        return names
    }
}

/// The served document is generated from the templates and channels, and the server answers
/// undeclared methods with 405.
@Suite("OpenAPI document: generated parts and methods")
struct OpenAPIGeneratedTests {
    @Test("templates, their data, time zones and states come from the running server")
    func generated() async throws {
        let server = try await APITestServer()
        let text = try await server.request("GET", "/openapi.yaml", token: nil).text
        let root = try #require(try Yams.load(yaml: text) as? [String: Any])
        let schemas = try #require((root["components"] as? [String: Any])?["schemas"] as? [String: Any])
        let names = (schemas["TemplateName"] as? [String: Any])?["enum"] as? [String]
        #expect(names?.sorted() == ["kudos-digest", "milestone-reached", "reward-earned", "reward-expiring", "reward-voucher"])
        let data = try #require(schemas["Data.reward-earned"] as? [String: Any])
        #expect(data["required"] as? [String] == ["program", "reward"])
        let reward = try #require((data["properties"] as? [String: Any])?["reward"] as? [String: Any])
        #expect(reward["required"] as? [String] == ["code", "expires_on"])
        let zones = (schemas["TimeZone"] as? [String: Any])?["enum"] as? [String] ?? []
        #expect(zones.contains("Asia/Jakarta"))
        let states = (schemas["DeliveryState"] as? [String: Any])?["enum"] as? [String]
        #expect(states == DeliveryState.allCases.map(\.rawValue))
        // The harness configures email only: sends may route to email alone.
        let request = try #require(schemas["MessageRequest.reward-earned"] as? [String: Any])
        let channels = ((request["properties"] as? [String: Any])?["channels"] as? [String: Any])?["anyOf"] as? [[String: Any]]
        #expect((channels?.first?["items"] as? [String: Any])?["enum"] as? [String] == ["email"])
        await server.stop()
    }

    @Test("an undeclared method on a known path is 405 with Allow; literal segments win over parameters")
    func methodNotAllowed() async throws {
        let server = try await APITestServer()
        let put = try await server.request("PUT", "/v1/messages")
        #expect(put.status == 405, "\(put.text)")
        #expect(put.header("Allow") == "GET, POST")
        #expect(put.header("Content-Type") == "application/problem+json")
        let batch = try await server.request("GET", "/v1/messages/batch")
        #expect(batch.status == 405, "\(batch.text)")
        #expect(batch.header("Allow") == "POST")
        let trace = try await server.request("DELETE", "/healthz", token: nil)
        #expect(trace.status == 405)
        #expect(trace.header("Allow") == "GET")
        #expect(try await server.request("GET", "/v1/nothing/here").status == 404)
        #expect(try await server.request("GET", "/v1/messages/0190f3c2-7d1e-7a4b-8c2d-1234567890ab").status == 404)
        await server.stop()
    }

    @Test("data is checked against the template's schema, naming the member")
    func dataSchema() async throws {
        let server = try await APITestServer()
        var message = APITestServer.reward()
        message["data"] = ["program": "Line\nbreak", "reward": ["code": "X", "expires_on": "2026-12-31"]]
        var r = try await server.send(message)
        #expect(r.status == 422)
        #expect(try r.json()["field"] as? String == "data.program", "\(r.text)")
        message["data"] = ["program": "P", "reward": ["code": ["not": "a value"], "expires_on": "2026-12-31"]]
        r = try await server.send(message)
        #expect(try r.json()["field"] as? String == "data.reward.code", "\(r.text)")
        message["data"] = ["program": "P", "reward": ["code": "X", "expires_on": "2026-12-31T09:00+07:00"]]
        r = try await server.send(message)
        #expect(try r.json()["field"] as? String == "data.reward.expires_on", "\(r.text)")
        message["data"] = ["program": "P", "reward": ["code": "X", "expires_on": "2026-12-31T09:00:00+07:00", "cash": ["amount": 50.0, "currency": "EUR"]]]
        r = try await server.send(message)
        #expect(r.status == 202, "\(r.text)")
        await server.stop()
    }
}
