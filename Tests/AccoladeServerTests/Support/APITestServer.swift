import AccoladeChannels
import AccoladeCore
import AccoladeCurl
import AccoladeRuntime
@testable import AccoladeServer
import AccoladeStores
import AccoladeWorkflows
import AccoladeTestSupport
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// A real `APIServer` on 127.0.0.1 (port chosen by the kernel) over a fresh SQLite store with the
/// repository's templates and a real (never contacted) SMTP channel for address validation.
/// Tests talk to it over HTTP through libcurl.
final class APITestServer: @unchecked Sendable {
    static let token = "test-token-3f9a"

    let directory: TemporaryDirectory
    let store: SQLiteStore
    let port: Int
    let client: CurlMultiDriver
    /// The signed links the server makes and accepts (`preferences:`), when configured.
    let preferenceLinks: PreferenceLinks?
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    var base: String { "http://127.0.0.1:\(port)" }

    /// Starts a server; `tokens` empty means no auth (loopback). `/readyz` waits up to
    /// `readinessTimeout` for the store (production: 2 s): generous by default, since the whole
    /// suite runs in parallel on two cores; tests of the deadline itself pass the real one.
    init(
        tokens: [String] = [APITestServer.token], webhooks: [String: any WebhookHandler] = [:],
        webhookFactory: (@Sendable (any Store) -> [any WebhookHandler])? = nil,
        qrImage: (@Sendable (String, String) -> String?)? = nil,
        serving: (@Sendable (SQLiteStore) throws -> any Store)? = nil,
        readinessTimeout: Duration = .seconds(60),
        inbox: InboxChannelConfig? = nil, clock: any WallClock = SystemWallClock(),
        inboxStream: InboxStreamSettings = InboxStreamSettings(), workflows: [WorkflowDefinition] = [],
        extraRoutes: ((APIServer, Router<BasicRequestContext>) -> Void)? = nil,
        categories: CategoriesConfig = CategoriesConfig(), preferences: PreferencesConfig? = nil
    ) async throws {
        directory = try TemporaryDirectory()
        var logger = Logger(label: "api-test")
        logger.logLevel = .warning
        store = try SQLiteStore(path: directory.path + "/queue.sqlite", logger: logger)
        try await store.migrate()
        // The store the API talks to: the harness's SQLite file unless a test wraps or replaces it.
        let served = try serving?(store) ?? store
        // As `AppContext` builds it: the public URL below, the categories' required ones.
        preferenceLinks = preferences.map {
            PreferenceLinks(config: $0, publicURL: "https://rewards.example.test", requiredCategories: categories.requiredNames)
        }
        let templates = try TemplateLibrary(
            directory: TestServer.repositoryRoot.appendingPathComponent("templates").path, preferenceLinks: preferenceLinks)
        client = CurlMultiDriver(logger: logger)
        let email = try SMTPEmailChannel(
            config: EmailChannelConfig(from: "Rewards <rewards@example.test>", url: "smtp://127.0.0.1:9", starttls: .never),
            driver: client, logger: logger)
        // With `inbox` the inbox channel exists too, as `AppContext` builds it in production.
        let channels = ChannelRegistry([email] + (inbox == nil ? [] : [InboxChannel(artifacts: nil, logger: logger)]))
        var dependencies = APIServer.Dependencies(
            config: ServerConfig(host: "127.0.0.1", port: 0, publicURL: "https://rewards.example.test", tokens: tokens),
            store: served,
            dispatcher: Dispatcher(store: served, renderer: templates, channels: channels, clock: SystemWallClock(), logger: logger,
                categories: categories),
            templates: templates, channels: channels.kinds,
            webhooks: webhooks.merging((webhookFactory?(served) ?? []).map { ($0.provider, $0) }) { a, _ in a },
            qrImage: qrImage, metrics: MetricsExporter.shared, inbox: inbox, workflows: workflows, clock: clock,
            logger: logger)
        dependencies.readinessTimeout = readinessTimeout
        dependencies.inboxStream = inboxStream
        let server = APIServer(dependencies)
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        if let extraRoutes {
            // The production router plus routes only a test has (e.g. one behind inbox auth).
            let router = server.makeRouter()
            extraRoutes(server, router)
            let app = Application(
                router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "accolade"),
                onServerRunning: { channel in portSink.yield(channel.localAddress?.port ?? 0) }, logger: logger)
            group = ServiceGroup(services: [app], logger: logger)
        } else {
            let app = server.makeApplication { port in portSink.yield(port) }
            group = ServiceGroup(services: [app], logger: logger)
        }
        let group = self.group
        // The port stream ends when the group does, so a server that fails to start fails the
        // test instead of leaving it waiting for a port forever.
        task = Task {
            defer { portSink.finish() }
            try await group.run()
        }
        var bound = 0
        for await p in ports { bound = p; break }
        guard bound > 0 else {
            _ = try? await task.value
            await client.shutdown()
            throw HTTPTestError.transport("the test server stopped before it listened")
        }
        port = bound
    }

    /// Stops the server and the client.
    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
        await client.shutdown()
    }

    /// One HTTP request; `token: nil` sends no Authorization header.
    func request(
        _ method: String, _ path: String, json: String? = nil, body: [UInt8]? = nil, token: String? = APITestServer.token,
        headers: [String: String] = [:]
    ) async throws -> HTTPResult {
        var h = headers.map { CurlHeader($0.key, $0.value) }
        if let token { h.append(CurlHeader("Authorization", "Bearer \(token)")) }
        if json != nil { h.append(CurlHeader("Content-Type", "application/json")) }
        let request = try CurlHTTPRequest(method: method, url: base + path, headers: h, body: json.map { Array($0.utf8) } ?? body)
        // Generous: the whole suite runs in parallel on two cores, and pending transfers count
        // their time in curl's connection queue too. These tests check behaviour, not latency.
        let result = await client.perform(CurlTransfer(.http(request), timeout: .seconds(180)))
        guard result.isSuccess else { throw HTTPTestError.transport(result.curlError) }
        return HTTPResult(status: result.responseCode, headers: result.headers, body: result.body)
    }

    /// `POST /v1/messages` with a JSON body built from `fields`.
    func send(_ fields: [String: Any], key: String? = nil) async throws -> HTTPResult {
        let data = try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
        return try await request(
            "POST", "/v1/messages", json: String(decoding: data, as: UTF8.self),
            headers: key.map { ["Idempotency-Key": $0] } ?? [:])
    }

    /// A valid reward message for `email`.
    static func reward(email: String = "ana@example.test", amount: Int = 50_000) -> [String: Any] {
        [
            "template": "reward-earned",
            "to": ["email": email, "name": "Ana Putri", "locale": "id-ID"],
            "data": [
                "program": "Kudos Awards",
                "reward": [
                    "voucher": ["amount": amount, "currency": "IDR"], "code": "RW-7Q2K", "expires_on": "2026-12-31",
                ],
            ],
        ]
    }
}

/// An HTTP response as tests see it.
struct HTTPResult: Sendable {
    var status: Int
    var headers: [CurlHeader]
    var body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }
    func header(_ name: String) -> String? { headers.last { $0.name.lowercased() == name.lowercased() }?.value }
    func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw HTTPTestError.notAnObject(text)
        }
        return object
    }
}

enum HTTPTestError: Error, CustomStringConvertible {
    case transport(String)
    case notAnObject(String)

    var description: String {
        switch self {
        case .transport(let e): return "HTTP transport failed: \(e)"
        case .notAnObject(let t): return "not a JSON object: \(t)"
        }
    }
}
