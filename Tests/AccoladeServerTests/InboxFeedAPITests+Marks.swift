import AccoladeCore
@testable import AccoladeServer
import AccoladeStoreTestSupport
import AccoladeStores
import Foundation
import Testing

extension InboxFeedAPITests {
    /// The value of a Prometheus counter line, 0 when absent.
    static func counter(_ server: APITestServer, _ series: String) async throws -> Double {
        let text = try await server.request("GET", "/metrics", token: nil).text
        let line = text.split(separator: "\n").first { $0.hasPrefix(series + " ") }
        return line.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
    }

    @Test("seen, read, archive, unarchive: idempotent, with the counts after; read records receipts the delivery log shows")
    func marks() async throws {
        let server = try await Self.server()
        let items = try await Self.seed(server, titles: ["one", "two", "three"])
        let readBefore = try await Self.counter(server, #"accolade_inbox_receipts_total{state="read"}"#)
        let deliveredBefore = try await Self.counter(server, #"accolade_inbox_receipts_total{state="delivered"}"#)

        var r = try await Self.post(server, "/v1/inbox/items/\(items[0].id)/seen")
        #expect(r.status == 200, "\(r.text)")
        var body = try r.json()
        #expect(body["changed"] as? Int == 1)
        #expect(body["unseen_count"] as? Int == 2 && body["unread_count"] as? Int == 3)
        var item = try #require(body["item"] as? [String: Any])
        #expect(item["id"] as? String == items[0].id)
        #expect(item["seen_at"] is String && item["read_at"] is NSNull)
        #expect(try await server.store.deliveries(messageID: items[0].messageID).first?.state == .delivered)
        // A repeat (another tab, a retried request) changes and records nothing.
        r = try await Self.post(server, "/v1/inbox/items/\(items[0].id)/seen")
        #expect(try r.json()["changed"] as? Int == 0)

        // Opening an unseen item: seen and read at once, both receipts.
        r = try await Self.post(server, "/v1/inbox/items/\(items[1].id)/read")
        body = try r.json()
        #expect(body["changed"] as? Int == 1)
        #expect(body["unseen_count"] as? Int == 1 && body["unread_count"] as? Int == 2)
        item = try #require(body["item"] as? [String: Any])
        #expect(item["seen_at"] is String && item["read_at"] is String)
        let message = try await server.request("GET", "/v1/messages/\(items[1].messageID)")
        let receipts = try #require(try message.json()["receipts"] as? [[String: Any]], "\(message.text)")
        #expect(receipts.compactMap { $0["status"] as? String }.sorted() == ["delivered", "read"], "\(message.text)")
        #expect(receipts.allSatisfy { $0["provider"] as? String == "inbox" })
        #expect(try await server.store.deliveries(messageID: items[1].messageID).first?.state == .read)
        #expect(try await Self.post(server, "/v1/inbox/items/\(items[1].id)/read").json()["changed"] as? Int == 0)
        #expect(try await Self.counter(server, #"accolade_inbox_receipts_total{state="read"}"#) >= readBefore + 1)
        #expect(try await Self.counter(server, #"accolade_inbox_receipts_total{state="delivered"}"#) >= deliveredBefore + 2)

        // Archive takes it out of the feed and its counts, without a receipt; unarchive puts it back.
        r = try await Self.post(server, "/v1/inbox/items/\(items[2].id)/archive")
        body = try r.json()
        #expect(body["changed"] as? Int == 1 && body["unread_count"] as? Int == 1 && body["unseen_count"] as? Int == 0)
        #expect((body["item"] as? [String: Any])?["archived_at"] is String)
        #expect(try await server.store.deliveries(messageID: items[2].messageID).first?.state == .sent)
        #expect(try Self.titles(await Self.get(server, "/v1/inbox/items")) == ["two", "one"])
        #expect(try Self.titles(await Self.get(server, "/v1/inbox/items?status=archived")) == ["three"])
        #expect(try Self.titles(await Self.get(server, "/v1/inbox/items?status=unread")) == ["one"])
        #expect(try Self.titles(await Self.get(server, "/v1/inbox/items?status=unseen")) == [])
        #expect(try await Self.post(server, "/v1/inbox/items/\(items[2].id)/archive").json()["changed"] as? Int == 0)
        r = try await Self.post(server, "/v1/inbox/items/\(items[2].id)/unarchive")
        body = try r.json()
        #expect(body["changed"] as? Int == 1 && body["unread_count"] as? Int == 2 && body["unseen_count"] as? Int == 1)
        #expect(try Self.titles(await Self.get(server, "/v1/inbox/items")) == ["three", "two", "one"])

        // One item by id.
        r = try await Self.get(server, "/v1/inbox/items/\(items[1].id)")
        #expect(r.status == 200 && r.header("Cache-Control") == "private, no-store")
        #expect(try r.json()["title"] as? String == "two")
        await server.stop()
    }

    @Test("another recipient's item is 404 on every route, exactly like one that does not exist, and stays untouched")
    func foreignItems() async throws {
        let server = try await Self.server()
        let mine = try await Self.seed(server, titles: ["mine"])
        let theirs = try await Self.seed(server, Self.other, titles: ["theirs"])
        let missing = Identifier.make()
        for id in [theirs[0].id, missing] {
            var r = try await Self.get(server, "/v1/inbox/items/\(id)")
            #expect(r.status == 404, "\(r.text)")
            let notFound = try r.json()["type"] as? String
            #expect(notFound == "urn:accolade:problem:not-found")
            for mark in InboxMark.allCases {
                r = try await Self.post(server, "/v1/inbox/items/\(id)/\(mark.rawValue)")
                #expect(r.status == 404, "\(mark): \(r.text)")
                #expect(try r.json()["detail"] as? String == "no item \(id) in this inbox")
            }
        }
        #expect(try await server.store.inboxItem(id: theirs[0].id, recipientKey: Self.other)?.marks == InboxMarks())
        #expect(try await server.store.deliveries(messageID: theirs[0].messageID).first?.state == .sent)
        // Bulk marks stay inside the token's feed too.
        #expect(try await Self.post(server, "/v1/inbox/items/read-all").json()["changed"] as? Int == 1)
        #expect(try await server.store.inboxItem(id: theirs[0].id, recipientKey: Self.other)?.marks == InboxMarks())
        #expect(try await server.store.inboxItem(id: mine[0].id, recipientKey: Self.recipient)?.readAt != nil)
        await server.stop()
    }

    @Test("seen-all and read-all change what is left, leave archived items alone, and repeat as no-ops")
    func bulkMarks() async throws {
        let server = try await Self.server()
        let items = try await Self.seed(server, titles: ["one", "two", "three", "four"])
        #expect(try await Self.post(server, "/v1/inbox/items/\(items[0].id)/read").status == 200)
        #expect(try await Self.post(server, "/v1/inbox/items/\(items[3].id)/archive").status == 200)

        var r = try await Self.post(server, "/v1/inbox/items/seen-all")
        #expect(r.status == 200, "\(r.text)")
        #expect(r.header("Cache-Control") == "private, no-store")
        var body = try r.json()
        #expect(Set(body.keys) == ["changed", "unread_count", "unseen_count"])
        #expect(body["changed"] as? Int == 2 && body["unseen_count"] as? Int == 0 && body["unread_count"] as? Int == 2)
        #expect(try await Self.post(server, "/v1/inbox/items/seen-all").json()["changed"] as? Int == 0)

        r = try await Self.post(server, "/v1/inbox/items/read-all")
        body = try r.json()
        #expect(body["changed"] as? Int == 2 && body["unseen_count"] as? Int == 0 && body["unread_count"] as? Int == 0)
        #expect(try await Self.post(server, "/v1/inbox/items/read-all").json()["changed"] as? Int == 0)
        for item in items.prefix(3) {
            #expect(try await server.store.deliveries(messageID: item.messageID).first?.state == .read, "\(item.title)")
        }
        // The archived item was not looked at: no receipt, still unread in the archive.
        #expect(try await server.store.deliveries(messageID: items[3].messageID).first?.state == .sent)
        #expect(try await server.store.inboxItem(id: items[3].id, recipientKey: Self.recipient)?.marks.seenAt == nil)
        await server.stop()
    }

    @Test("a wrong method on a feed path is 405 with Allow; no token 401; an API token 401; an unlisted origin 403")
    func methodsAndAuth() async throws {
        let server = try await Self.server()
        let item = try await Self.seed(server, titles: ["one"])[0]
        var r = try await server.request("GET", "/v1/inbox/items/seen-all", token: try Self.token())
        #expect(r.status == 405 && r.header("Allow") == "POST", "\(r.text)")
        r = try await server.request("POST", "/v1/inbox/items", token: try Self.token())
        #expect(r.status == 405 && r.header("Allow") == "GET", "\(r.text)")
        r = try await server.request("GET", "/v1/inbox/items/\(item.id)/read", token: try Self.token())
        #expect(r.status == 405 && r.header("Allow") == "POST", "\(r.text)")
        for (method, path) in [("GET", "/v1/inbox/items"), ("POST", "/v1/inbox/items/\(item.id)/read"), ("POST", "/v1/inbox/items/read-all")] {
            #expect(try await server.request(method, path, token: nil).status == 401, "\(path)")
            #expect(try await server.request(method, path, token: APITestServer.token).status == 401, "\(path)")
            r = try await server.request(method, path, token: try Self.token(), headers: ["Origin": "https://evil.example"])
            #expect(r.status == 403, "\(path): \(r.text)")
        }
        #expect(try await server.store.inboxItem(id: item.id, recipientKey: Self.recipient)?.marks == InboxMarks())
        await server.stop()

        // Without channels.inbox there are no feed routes at all.
        let plain = try await APITestServer()
        #expect(try await plain.request("GET", "/v1/inbox/items", token: try Self.token()).status == 404)
        await plain.stop()
    }

    @Test("a store that fails answers 503 with Retry-After on every feed route, its error text kept out")
    func storeFaults() async throws {
        let server = try await Self.server(serving: { FailingInboxStore($0) })
        let id = Identifier.make()
        for (method, path) in [
            ("GET", "/v1/inbox/items"), ("GET", "/v1/inbox/items/\(id)"), ("POST", "/v1/inbox/items/\(id)/read"),
            ("POST", "/v1/inbox/items/\(id)/archive"), ("POST", "/v1/inbox/items/seen-all"), ("POST", "/v1/inbox/items/read-all"),
        ] {
            let r = try await server.request(method, path, token: try Self.token())
            #expect(r.status == 503, "\(method) \(path): \(r.text)")
            #expect(r.header("Retry-After") == "2")
            #expect(r.header("Content-Type") == "application/problem+json")
            #expect(!r.text.contains("simulated"), "\(r.text)")
        }
        // Validation needs no store: still 422.
        #expect(try await server.request("GET", "/v1/inbox/items?limit=0", token: try Self.token()).status == 422)
        await server.stop()
    }
}

/// Every feed call fails as an unreachable store would.
final class FailingInboxStore: ForwardingStore, @unchecked Sendable {
    override func inboxPage(recipientKey: String, status: InboxStatus, before: Int64?, limit: Int) async throws -> InboxPage {
        throw FailingStore.Down()
    }
    override func inboxItem(id: String, recipientKey: String) async throws -> InboxItem? { throw FailingStore.Down() }
    override func markInbox(_ mark: InboxMark, _ selection: InboxSelection, recipientKey: String, at time: Date) async throws
        -> InboxMarkResult
    { throw FailingStore.Down() }
}
