import AccoladeCore
@testable import AccoladeServer
import AccoladeStores
import Foundation
import Logging
import NIOCore
import Testing

/// The feed's page cache: a kept page answers only for the feed version it was rendered from, so
/// no change — through this server, or committed by another process on the same store — is ever
/// hidden behind it.
@Suite("Inbox feed page cache")
struct InboxPageCacheTests {
    typealias Key = InboxPageCache.Key

    static func key(_ recipient: String = "crm-1", before: Int64? = nil) -> Key {
        Key(recipient: recipient, status: .all, before: before, limit: 20)
    }

    static func body(_ size: Int) -> ByteBuffer {
        ByteBuffer(bytes: [UInt8](repeating: UInt8(ascii: "x"), count: size))
    }

    @Test("a body answers only for its own version; an older version never replaces a newer one")
    func versions() {
        let cache = InboxPageCache(capacity: 1 << 20)
        #expect(cache.body(for: Self.key(), version: 3) == nil)
        cache.keep(ByteBuffer(string: "v3"), for: Self.key(), version: 3)
        #expect(cache.body(for: Self.key(), version: 3) == ByteBuffer(string: "v3"))
        #expect(cache.body(for: Self.key(), version: 4) == nil)
        #expect(cache.body(for: Self.key(), version: 2) == nil)
        // Every part of the key counts.
        #expect(cache.body(for: Self.key("crm-2"), version: 3) == nil)
        #expect(cache.body(for: Self.key(before: 9), version: 3) == nil)
        #expect(cache.body(for: Key(recipient: "crm-1", status: .unread, before: nil, limit: 20), version: 3) == nil)
        #expect(cache.body(for: Key(recipient: "crm-1", status: .all, before: nil, limit: 19), version: 3) == nil)
        cache.keep(ByteBuffer(string: "v4"), for: Self.key(), version: 4)
        // A slow request that read version 3 comes back late: it must not put v3 back.
        cache.keep(ByteBuffer(string: "v3, late"), for: Self.key(), version: 3)
        #expect(cache.body(for: Self.key(), version: 4) == ByteBuffer(string: "v4"))
        #expect(cache.body(for: Self.key(), version: 3) == nil)
        #expect(cache.count == 1)
    }

    @Test("bounded by bytes: the least recently used go first; a body over a quarter of the cap, or any with a cap of 0, is not kept")
    func bounded() {
        let capacity = 100 * InboxPageCache.cost(of: Self.body(1_000), key: Self.key("r-00"))
        let cache = InboxPageCache(capacity: capacity)
        for i in 0..<100 { cache.keep(Self.body(1_000), for: Self.key(String(format: "r-%02d", i)), version: 1) }
        #expect(cache.count == 100 && cache.bytes <= capacity)
        // r-00 was used recently, so r-01 … go before it.
        #expect(cache.body(for: Self.key("r-00"), version: 1) != nil)
        cache.keep(Self.body(1_000), for: Self.key("r-99+"), version: 1)
        #expect(cache.bytes <= capacity * 3 / 4)
        #expect(cache.body(for: Self.key("r-00"), version: 1) != nil)
        #expect(cache.body(for: Self.key("r-99+"), version: 1) != nil)
        #expect(cache.body(for: Self.key("r-01"), version: 1) == nil)
        for i in 0...10_000 { cache.keep(Self.body(1_000), for: Self.key("s-\(i)"), version: 1) }
        #expect(cache.bytes <= capacity)

        cache.keep(Self.body(capacity / 4), for: Self.key("big"), version: 1)
        #expect(cache.body(for: Self.key("big"), version: 1) == nil)
        let off = InboxPageCache(capacity: 0)
        off.keep(ByteBuffer(string: "{}"), for: Self.key(), version: 1)
        #expect(off.count == 0 && off.body(for: Self.key(), version: 1) == nil)
    }

    /// The queries the API test compares: every status, a short page, a page below a cursor.
    static let queries = [
        "", "?status=unread", "?status=unseen", "?status=archived", "?limit=2", "?limit=2&cursor=\(InboxCursor.encode(3))",
    ]

    /// Asks the server for every query (twice: the second is answered from the cache when the
    /// first kept it) and compares each answer with the page rendered afresh from the store.
    static func expectFresh(_ server: APITestServer, _ comment: Comment) async throws {
        for query in queries {
            let parsed = try InboxFeedQuery.parse(
                query.dropFirst().split(separator: "&").map { pair in
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    return (String(parts[0]), String(parts[1]))
                })
            let page = try await server.store.inboxPage(
                recipientKey: InboxFeedAPITests.recipient, status: parsed.status, before: parsed.before, limit: parsed.limit)
            let fresh = String(decoding: InboxJSON.pageBytes(page, publicURL: "https://rewards.example.test"), as: UTF8.self)
            for _ in 0..<2 {
                let r = try await InboxFeedAPITests.get(server, "/v1/inbox/items" + query)
                #expect(r.status == 200, "\(comment) \(query): \(r.text)")
                #expect(r.text == fresh, "\(comment) \(query)")
            }
        }
    }

    /// A delivery sent as the worker sends it, its item written through `store` (another store
    /// instance stands for another process, e.g. `accolade worker`, on the same SQLite file).
    static func deliver(_ server: APITestServer, through store: any Store, title: String) async throws -> InboxItem {
        #expect(try await server.send(APITestServer.reward()).status == 202)
        let claimed = try #require(try await store.claim(owner: "other-process", limit: 1, now: Date(), lease: 60).first)
        let now = Date()
        var update = DeliveryUpdate(
            deliveryID: claimed.delivery.id, leaseOwner: "other-process", state: .sent, attempts: 1, nextAttemptAt: nil, provider: "inbox",
            providerMessageID: nil, lastError: nil, attempt: nil, followUp: nil, now: now)
        update.inboxItem = NewInboxItem(
            id: Identifier.make(now: now), recipientKey: InboxFeedAPITests.recipient, deliveryID: claimed.delivery.id,
            messageID: claimed.message.id, template: "reward-earned", locale: "id-ID", title: title, body: nil, url: nil,
            imageToken: nil, createdAt: now)
        #expect(try await store.complete([update]) == 1)
        return try #require(try await store.inboxItems(recipientKey: InboxFeedAPITests.recipient, after: 0, limit: 100).last)
    }

    @Test("no change is hidden: new items, every mark, mark-all, and writes by another store instance on the same file")
    func neverStale() async throws {
        let server = try await InboxFeedAPITests.server()
        let items = try await InboxFeedAPITests.seed(server, titles: ["one", "two", "three", "four"])
        let hitsBefore = try await InboxFeedAPITests.counter(server, #"accolade_inbox_page_cache_total{result="hit"}"#)
        try await Self.expectFresh(server, "seeded")
        #expect(try await InboxFeedAPITests.counter(server, #"accolade_inbox_page_cache_total{result="hit"}"#) >= hitsBefore + 6)

        try await InboxFeedAPITests.seed(server, titles: ["five"])
        try await Self.expectFresh(server, "new item")
        for mark in ["seen", "read", "archive", "unarchive", "archive"] {
            #expect(try await InboxFeedAPITests.post(server, "/v1/inbox/items/\(items[1].id)/\(mark)").status == 200)
            try await Self.expectFresh(server, "\(mark)")
        }
        #expect(try await InboxFeedAPITests.post(server, "/v1/inbox/items/\(items[2].id)/read").status == 200)
        try await Self.expectFresh(server, "read of an unseen item")
        for mark in ["seen-all", "read-all"] {
            #expect(try await InboxFeedAPITests.post(server, "/v1/inbox/items/\(mark)").status == 200)
            try await Self.expectFresh(server, "\(mark)")
        }

        // Another process on the same file: nothing of it goes through this server's code.
        var logger = Logger(label: "other-process")
        logger.logLevel = .warning
        let other = try SQLiteStore(path: server.directory.path + "/queue.sqlite", logger: logger)
        let written = try await Self.deliver(server, through: other, title: "from the worker process")
        try await Self.expectFresh(server, "item written by another store instance")
        #expect(try await InboxFeedAPITests.titles(InboxFeedAPITests.get(server, "/v1/inbox/items?limit=1")) == ["from the worker process"])
        for mark in [InboxMark.seen, .read, .archive] {
            _ = try await other.markInbox(mark, .item(written.id), recipientKey: InboxFeedAPITests.recipient, at: Date())
            try await Self.expectFresh(server, "\(mark) by another store instance")
        }
        _ = try await other.markInbox(.unarchive, .item(items[1].id), recipientKey: InboxFeedAPITests.recipient, at: Date())
        try await Self.expectFresh(server, "unarchive by another store instance")
        await server.stop()
    }
}
