import AccoladeCurl
import AccoladeTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The inbox stream across processes: an item delivered by a worker in another process (SQLite:
/// `accolade worker` on the same file; PostgreSQL: another `serve` node) reaches a stream held by
/// `accolade serve --no-worker`, through the store's change signal alone.
@Suite(.serialized) struct InboxStreamEndToEndTests {
    static let secret = "e2e-inbox-signing-secret-0123456789abcdef"
    static let inboxChannel = """
          inbox:
            signing_secret: \(secret)
        """

    /// `POST /v1/inbox/tokens` on `port` for `recipient` (no API token: the server listens on loopback).
    static func token(_ driver: CurlMultiDriver, port: Int, recipient: String) async throws -> String {
        let request = try CurlHTTPRequest(
            method: "POST", url: "http://127.0.0.1:\(port)/v1/inbox/tokens",
            headers: [CurlHeader("Content-Type", "application/json")], body: Array(#"{"recipient_id":"\#(recipient)","ttl":"1h"}"#.utf8))
        let result = await driver.perform(CurlTransfer(.http(request), connectTimeout: .seconds(2), timeout: .seconds(20)))
        #expect(result.responseCode == 201 || result.responseCode == 200, "\(result.bodyText)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.body)) as? [String: Any])
        return try #require(json["token"] as? String)
    }

    /// `POST /v1/messages` to the inbox of `recipient` on `port`.
    static func send(_ driver: CurlMultiDriver, port: Int, recipient: String) async throws -> String {
        let body = #"{"template":"reward-earned","to":{"id":"\#(recipient)","locale":"id"},"channels":["inbox"],"data":\#(EmailEndToEndTests.rewardData)}"#
        let request = try CurlHTTPRequest(
            method: "POST", url: "http://127.0.0.1:\(port)/v1/messages",
            headers: [CurlHeader("Content-Type", "application/json")], body: Array(body.utf8))
        let result = await driver.perform(CurlTransfer(.http(request), connectTimeout: .seconds(2), timeout: .seconds(20)))
        #expect(result.responseCode == 202, "\(result.bodyText)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.body)) as? [String: Any])
        return try #require(json["id"] as? String)
    }

    static func items(_ client: SSETestClient) -> [Int] {
        client.events("item").compactMap { $0.id.flatMap(Int.init) }
    }

    @Test func sqliteAnItemASeparateWorkerProcessDeliversReachesServesStream() async throws {
        let ws = try Workspace(smtpPort: 9, channels: Self.inboxChannel)
        let (serve, port) = try ServeEndToEndTests.startServe(ws, extra: ["--no-worker"])
        defer { if serve.isRunning { kill(serve.processIdentifier, SIGKILL) } }
        let driver = CurlMultiDriver()
        let token = try await Self.token(driver, port: port, recipient: "crm-10492")
        let stream = try SSETestClient("http://127.0.0.1:\(port)/v1/inbox/stream?token=\(token)")
        defer { stream.stop() }
        try await waitUntil("the stream opens") { !stream.events("counts").isEmpty }
        // Queued by the CLI, delivered by another process: serve's process writes nothing.
        let queued = try ws.call([
            "send", "reward-earned", "--recipient-id", "crm-10492", "--channels", "inbox", "--locale", "id",
            "--data", EmailEndToEndTests.rewardData,
        ])
        #expect(queued.status == 0, "\(queued.stderr)")
        let worker = try ws.call(["worker", "--drain"])
        #expect(worker.status == 0, "\(worker.stderr)")
        try await waitUntil("the item reaches serve's stream") { Self.items(stream) == [1] }
        let item = try stream.events("item")[0].json()
        #expect(item["message_id"] as? String == queued.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect((item["title"] as? String)?.isEmpty == false)
        await driver.shutdown()
        kill(serve.processIdentifier, SIGTERM)
        serve.waitUntilExit()
        #expect(serve.terminationStatus == 0, "\(ws.output(of: serve).stderr)")
    }

    @Test(.enabled(if: postgresAdminURL != nil, "needs ACCOLADE_TEST_POSTGRES_URL (scripts/test.sh starts a cluster)"))
    func postgresAnItemDeliveredOnAnotherNodeReachesThisNodesStream() async throws {
        let url = try PostgresScaleOutTests().freshDatabase()
        let streaming = try Workspace(smtpPort: 9, postgresURL: url, channels: Self.inboxChannel)
        let delivering = try Workspace(smtpPort: 9, postgresURL: url, channels: Self.inboxChannel)
        let (a, portA) = try ServeEndToEndTests.startServe(streaming, extra: ["--no-worker"])
        defer { if a.isRunning { kill(a.processIdentifier, SIGKILL) } }
        let (b, portB) = try ServeEndToEndTests.startServe(delivering)
        defer { if b.isRunning { kill(b.processIdentifier, SIGKILL) } }
        let driver = CurlMultiDriver()
        // A token minted by node B opens node A's stream: the secret, not the node, makes it valid.
        let token = try await Self.token(driver, port: portB, recipient: "crm-77")
        let stream = try SSETestClient("http://127.0.0.1:\(portA)/v1/inbox/stream?token=\(token)")
        defer { stream.stop() }
        try await waitUntil("the stream opens") { !stream.events("counts").isEmpty }
        var sent: [String] = []
        for _ in 0..<3 { sent.append(try await Self.send(driver, port: portB, recipient: "crm-77")) }
        try await waitUntil("three items reach node A's stream") { Self.items(stream).count >= 3 }
        #expect(Self.items(stream) == [1, 2, 3])
        let messages = try stream.events("item").map { try $0.json()["message_id"] as? String }
        #expect(Set(messages.compactMap { $0 }) == Set(sent))
        await driver.shutdown()
        for process in [b, a] {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
        #expect(a.terminationStatus == 0, "\(streaming.output(of: a).stderr)")
        #expect(b.terminationStatus == 0, "\(delivering.output(of: b).stderr)")
    }
}
