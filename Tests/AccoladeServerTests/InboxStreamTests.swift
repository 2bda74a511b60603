import AccoladeCore
@testable import AccoladeServer
import AccoladeStores
import AccoladeTestSupport
import Foundation
import Logging
import Testing

/// `GET /v1/inbox/stream` over HTTP against a real server and SQLite store, read by `curl` as it
/// arrives. Items are written as production writes them (with their delivery's `sent` outcome),
/// so the stream learns of them through the store's change signal, not from the writer.
@Suite("Inbox stream (SSE)")
struct InboxStreamTests {
    static let recipient = InboxFeedAPITests.recipient
    /// Short heartbeats and ticks, so the tests see them without waiting 15 s.
    static let fast = InboxStreamSettings(heartbeat: .milliseconds(300), tick: .milliseconds(50), fallbackPoll: .milliseconds(200))

    static func server(config: InboxChannelConfig = InboxAuthTests.config, clock: any WallClock = SystemWallClock()) async throws -> APITestServer {
        try await APITestServer(inbox: config, clock: clock, inboxStream: fast)
    }

    static func stream(_ server: APITestServer, query: String = "", token: String? = nil, headers: [String: String] = [:]) throws -> SSETestClient {
        let token = try token ?? InboxFeedAPITests.token()
        return try SSETestClient("\(server.base)/v1/inbox/stream?token=\(token)\(query)", headers: headers)
    }

    static func items(_ client: SSETestClient) -> [Int] {
        client.events("item").compactMap { $0.id.flatMap(Int.init) }
    }

    @Test("a new stream: retry hint, counts, then each new item once, in order, with counts after")
    func live() async throws {
        let server = try await Self.server()
        try await InboxFeedAPITests.seed(server, titles: ["old"])
        let client = try Self.stream(server)
        defer { client.stop() }
        try await waitUntil("the opening counts arrive") { !client.events("counts").isEmpty }
        #expect(client.status == 200)
        #expect(client.header("Content-Type") == "text/event-stream; charset=utf-8")
        #expect(client.header("Cache-Control") == "private, no-store")
        let retry = try #require(client.blocks.first?.retry)
        #expect((2_000...8_000).contains(retry))
        // The feed's existing item is the page's business, not the stream's.
        #expect(Self.items(client).isEmpty)
        let opening = try client.events("counts")[0].json()
        #expect(opening["unread_count"] as? Int == 1)
        #expect(opening["last_sequence"] as? Int == 1)

        let seeded = try await InboxFeedAPITests.seed(server, titles: ["first", "second", "third"])
        try await waitUntil("three item events arrive") { Self.items(client).count >= 3 }
        #expect(Self.items(client) == [2, 3, 4])
        let first = try client.events("item")[0].json()
        #expect(first["id"] as? String == seeded[0].id)
        #expect(first["title"] as? String == "first")
        #expect(first["read_at"] is NSNull)
        try await waitUntil("counts show four unread") {
            (try? client.events("counts").last?.json()["unread_count"] as? Int) == 4
        }
        // Nothing new: no repeats, however many signals or heartbeats pass.
        try await waitUntil("a heartbeat passes") { client.blocks.contains { $0.comment == "heartbeat" } }
        #expect(Self.items(client) == [2, 3, 4])
        await server.stop()
    }

    @Test("Last-Event-ID (or last_event_id) resumes after that item: no gap, no repeat; the header wins")
    func resume() async throws {
        let server = try await Self.server()
        try await InboxFeedAPITests.seed(server, titles: ["a", "b", "c", "d"])
        let header = try Self.stream(server, headers: ["Last-Event-ID": "1"])
        let query = try Self.stream(server, query: "&last_event_id=3")
        let both = try Self.stream(server, query: "&last_event_id=3", headers: ["Last-Event-ID": "2"])
        let ahead = try Self.stream(server, query: "&last_event_id=99")
        defer { [header, query, both, ahead].forEach { $0.stop() } }
        for client in [header, query, both, ahead] {
            try await waitUntil("the replay and counts arrive") { !client.events("counts").isEmpty }
        }
        #expect(Self.items(header) == [2, 3, 4])
        #expect(Self.items(query) == [4])
        #expect(Self.items(both) == [3, 4])
        // An id beyond the feed is not this feed's: start at the newest, and miss nothing after it.
        #expect(Self.items(ahead).isEmpty)
        try await InboxFeedAPITests.seed(server, titles: ["e"])
        for client in [header, query, both, ahead] {
            try await waitUntil("item 5 arrives") { Self.items(client).last == 5 }
        }
        #expect(Self.items(header) == [2, 3, 4, 5])
        #expect(Self.items(ahead) == [5])
        await server.stop()
    }

    @Test("a resume more than a page behind streams every item, then the counts")
    func longReplay() async throws {
        let server = try await Self.server()
        let titles = (1...(InboxStreamSession.page + 30)).map { "item \($0)" }
        try await InboxFeedAPITests.seed(server, titles: titles)
        let client = try Self.stream(server, query: "&last_event_id=0")
        defer { client.stop() }
        try await waitUntil("the counts after the replay") { !client.events("counts").isEmpty }
        #expect(Self.items(client) == Array(1...titles.count))
        #expect(client.blocks.last?.event == "counts")
        await server.stop()
    }

    @Test("a mark made elsewhere (another tab) reaches the stream as counts with a new version")
    func marksElsewhere() async throws {
        let server = try await Self.server()
        let items = try await InboxFeedAPITests.seed(server, titles: ["a", "b"])
        let client = try Self.stream(server)
        defer { client.stop() }
        try await waitUntil("the opening counts") { !client.events("counts").isEmpty }
        let before = try client.events("counts")[0].json()
        #expect(try await InboxFeedAPITests.post(server, "/v1/inbox/items/\(items[0].id)/read").status == 200)
        try await waitUntil("counts show one unread") { (try? client.events("counts").last?.json()["unread_count"] as? Int) == 1 }
        let after = try #require(try client.events("counts").last?.json())
        #expect((after["version"] as? Int ?? 0) > (before["version"] as? Int ?? 0))
        #expect(Self.items(client).isEmpty)
        await server.stop()
    }

    @Test("streams see only their own recipient's items")
    func isolation() async throws {
        let server = try await Self.server()
        let mine = try Self.stream(server)
        let theirs = try Self.stream(server, token: InboxFeedAPITests.token(InboxFeedAPITests.other))
        defer { [mine, theirs].forEach { $0.stop() } }
        for client in [mine, theirs] { try await waitUntil("opening counts") { !client.events("counts").isEmpty } }
        try await InboxFeedAPITests.seed(server, InboxFeedAPITests.other, titles: ["for crm-77"])
        try await waitUntil("their item arrives") { Self.items(theirs) == [1] }
        try await waitUntil("a heartbeat on mine") { mine.blocks.contains { $0.comment == "heartbeat" } }
        #expect(Self.items(mine).isEmpty)
        await server.stop()
    }

    @Test("an item another store connection commits (as a separate worker process would) reaches the stream")
    func otherWriter() async throws {
        let server = try await Self.server()
        let client = try Self.stream(server)
        defer { client.stop() }
        try await waitUntil("opening counts") { !client.events("counts").isEmpty }
        var logger = Logger(label: "other-writer")
        logger.logLevel = .warning
        let other = try SQLiteStore(path: server.directory.path + "/queue.sqlite", logger: logger)
        #expect(try await server.send(APITestServer.reward()).status == 202)
        let now = Date()
        let claimed = try #require(try await other.claim(owner: "other", limit: 1, now: now, lease: 60).first)
        var update = DeliveryUpdate(
            deliveryID: claimed.delivery.id, leaseOwner: "other", state: .sent, attempts: 1, nextAttemptAt: nil, provider: "inbox",
            providerMessageID: nil, lastError: nil, attempt: nil, followUp: nil, now: now)
        update.inboxItem = NewInboxItem(
            id: Identifier.make(now: now), recipientKey: Self.recipient, deliveryID: claimed.delivery.id, messageID: claimed.message.id,
            template: "reward-earned", locale: "en", title: "from another process", body: nil, url: nil, imageToken: nil, createdAt: now)
        #expect(try await other.complete([update]) == 1)
        try await waitUntil("the other writer's item arrives") { Self.items(client) == [1] }
        await server.stop()
    }

    @Test("the token's expiry ends the stream with token-expired")
    func tokenExpiry() async throws {
        let clock = SettableClock(Date())
        let server = try await Self.server(clock: clock)
        let token = try InboxTokenSigner(secret: InboxAuthTests.secret).mint(subject: Self.recipient, lifetime: 120, now: clock.now())
        let client = try Self.stream(server, token: token.compact)
        defer { client.stop() }
        try await waitUntil("opening counts") { !client.events("counts").isEmpty }
        #expect(client.events("token-expired").isEmpty)
        clock.set(token.claims.expiresAt.addingTimeInterval(1))
        try await waitUntil("token-expired arrives and the server ends the stream") {
            !client.events("token-expired").isEmpty && !client.isRunning
        }
        let data = try client.events("token-expired")[0].json()
        #expect(data["expires_at"] as? String == ISOTime.format(token.claims.expiresAt))
        // Reconnecting with the same token is a 401 (EventSource stops; the widget asks for a new one).
        let again = try Self.stream(server, token: token.compact)
        // curl may exit before the test has read all it printed: wait for the answer itself.
        try await waitUntil("the refusal") { !again.isRunning && again.bodyText.contains("token-expired") }
        #expect(again.status == 401)
        #expect(again.bodyText.contains("token-expired"))
        await server.stop()
    }

    @Test("max_streams bounds the connections: the next one is a 503 with Retry-After until one closes")
    func limit() async throws {
        var config = InboxAuthTests.config
        config.maxStreams = 2
        let server = try await Self.server(config: config)
        let a = try Self.stream(server)
        let b = try Self.stream(server)
        for client in [a, b] { try await waitUntil("opening counts") { !client.events("counts").isEmpty } }
        let refused = try Self.stream(server)
        try await waitUntil("the refusal") { !refused.isRunning && refused.bodyText.contains("max_streams") }
        #expect(refused.status == 503)
        let retryAfter = try #require(refused.header("Retry-After").flatMap(Int.init))
        #expect((5...15).contains(retryAfter))
        #expect(refused.bodyText.contains("max_streams"))
        a.stop()
        // The server notices the closed connection on its next write (a heartbeat).
        let c = try await {
            var admitted: SSETestClient?
            try await waitUntil("a stream is admitted again") {
                if let admitted, admitted.status == 200 { return true }
                if let admitted, admitted.isRunning { return false }
                admitted = try Self.stream(server)
                return false
            }
            return try #require(admitted)
        }()
        defer { [b, c].forEach { $0.stop() } }
        await server.stop()
    }

    @Test("refusals before the stream starts: no token 401, bad resume point 422, unknown parameter 422")
    func refusals() async throws {
        let server = try await Self.server()
        let token = try InboxFeedAPITests.token()
        #expect(try await server.request("GET", "/v1/inbox/stream", token: nil).status == 401)
        #expect(try await server.request("GET", "/v1/inbox/stream", token: APITestServer.token).status == 401)
        let bad = try await server.request("GET", "/v1/inbox/stream?last_event_id=x", token: token)
        #expect(bad.status == 422)
        #expect(try bad.json()["field"] as? String == "last_event_id")
        #expect(try await server.request("GET", "/v1/inbox/stream", token: token, headers: ["Last-Event-ID": "-3"]).status == 422)
        #expect(try await server.request("GET", "/v1/inbox/stream?status=all", token: token).status == 422)
        await server.stop()
    }

    @Test("a graceful shutdown ends open streams instead of waiting for them")
    func shutdown() async throws {
        let server = try await Self.server()
        let clients = try (0..<3).map { _ in try Self.stream(server) }
        defer { clients.forEach { $0.stop() } }
        for client in clients { try await waitUntil("opening counts") { !client.events("counts").isEmpty } }
        let started = ContinuousClock.now
        await server.stop()
        // Bounded by the graceful shutdown itself, not by the streams (which would never end).
        #expect(ContinuousClock.now - started < .seconds(60))
        try await waitUntil("the clients see the end") { clients.allSatisfy { !$0.isRunning } }
    }
}
