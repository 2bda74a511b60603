import AccoladeCore
@testable import AccoladeServer
import AccoladeStoreTestSupport
import AccoladeStores
import AccoladeRuntime
import AccoladeTestSupport
import Foundation
import Testing
import Yams

/// The feed routes (`/v1/inbox/items…`) over HTTP against a real server and SQLite store. Items
/// are written as production writes them: with their delivery's `sent` outcome
/// (``DeliveryUpdate/inboxItem`` on ``Store/complete(_:)``), so marks advance real deliveries.
@Suite("Inbox feed API")
struct InboxFeedAPITests {
    static let recipient = "crm-10492"
    static let other = "crm-77"

    static func server(serving: (@Sendable (SQLiteStore) throws -> any Store)? = nil) async throws -> APITestServer {
        try await APITestServer(serving: serving, inbox: InboxAuthTests.config)
    }

    /// An inbox token for `recipient`, valid for 10 minutes.
    static func token(_ recipient: String = recipient) throws -> String {
        try InboxTokenSigner(secret: InboxAuthTests.secret).mint(subject: recipient, lifetime: 600, now: Date()).compact
    }

    /// Sends `titles.count` messages and completes each delivery `sent` with an item for
    /// `recipient`, one outcome after the other: sequences follow `titles`' order.
    @discardableResult
    static func seed(_ server: APITestServer, _ recipient: String = recipient, titles: [String]) async throws -> [InboxItem] {
        for _ in titles { #expect(try await server.send(APITestServer.reward()).status == 202) }
        let claimed = try await server.store.claim(owner: "seed", limit: titles.count, now: Date(), lease: 60)
        try #require(claimed.count == titles.count)
        var items: [InboxItem] = []
        for (c, title) in zip(claimed, titles) {
            let now = Date()
            var update = DeliveryUpdate(
                deliveryID: c.delivery.id, leaseOwner: "seed", state: .sent, attempts: 1, nextAttemptAt: nil, provider: "inbox",
                providerMessageID: nil, lastError: nil, attempt: nil, followUp: nil, now: now)
            update.inboxItem = NewInboxItem(
                id: Identifier.make(now: now), recipientKey: recipient, deliveryID: c.delivery.id, messageID: c.message.id,
                template: "reward-earned", locale: "id-ID", title: title, body: title == "with body" ? "Rp 50.000 🎉" : nil,
                url: title == "with body" ? "https://crm.example.test/rewards/1" : nil, imageToken: title == "with body" ? "qr-tok" : nil,
                createdAt: now)
            #expect(try await server.store.complete([update]) == 1)
            let written = try await server.store.inboxItems(recipientKey: recipient, after: items.last?.sequence ?? 0, limit: 100)
            items += written.filter { $0.deliveryID == c.delivery.id }
        }
        return items
    }

    static func get(_ server: APITestServer, _ path: String, as recipient: String = recipient) async throws -> HTTPResult {
        try await server.request("GET", path, token: try token(recipient))
    }

    static func post(_ server: APITestServer, _ path: String, as recipient: String = recipient) async throws -> HTTPResult {
        try await server.request("POST", path, token: try token(recipient))
    }

    static func titles(_ r: HTTPResult) throws -> [String] {
        try (r.json()["items"] as? [[String: Any]] ?? []).compactMap { $0["title"] as? String }
    }

    @Test("newest first with both counts, every field of an item, pages by an opaque cursor, never cached")
    func listing() async throws {
        let server = try await Self.server()
        let items = try await Self.seed(server, titles: ["one", "two", "with body", "four", "five"])
        try await Self.seed(server, Self.other, titles: ["someone else's"])

        var r = try await Self.get(server, "/v1/inbox/items")
        #expect(r.status == 200, "\(r.text)")
        #expect(r.header("Cache-Control") == "private, no-store")
        var body = try r.json()
        #expect(try Self.titles(r) == ["five", "four", "with body", "two", "one"])
        #expect(body["unread_count"] as? Int == 5 && body["unseen_count"] as? Int == 5)
        #expect(body["next_cursor"] is NSNull)
        let third = try #require((body["items"] as? [[String: Any]])?[2])
        #expect(Set(third.keys) == [
            "id", "sequence", "message_id", "template", "locale", "title", "body", "url", "image_url", "created_at", "seen_at",
            "read_at", "archived_at",
        ])
        #expect(third["id"] as? String == items[2].id)
        #expect(third["sequence"] as? Int == 3)
        #expect(third["message_id"] as? String == items[2].messageID)
        #expect(third["body"] as? String == "Rp 50.000 🎉")
        #expect(third["url"] as? String == "https://crm.example.test/rewards/1")
        #expect(third["image_url"] as? String == "https://rewards.example.test/v1/qr/qr-tok.png")
        #expect(third["created_at"] as? String == ISOTime.format(items[2].createdAt))
        #expect(third["seen_at"] is NSNull && third["read_at"] is NSNull && third["archived_at"] is NSNull)
        let first = try #require((body["items"] as? [[String: Any]])?.last)
        #expect(first["body"] is NSNull && first["url"] is NSNull && first["image_url"] is NSNull)

        // Pages of two: 5 4 | 3 2 | 1, the last without a cursor.
        var pages: [[String]] = []
        var cursor: String?
        repeat {
            r = try await Self.get(server, "/v1/inbox/items?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""))
            #expect(r.status == 200, "\(r.text)")
            body = try r.json()
            pages.append(try Self.titles(r))
            cursor = body["next_cursor"] as? String
            #expect(body["unread_count"] as? Int == 5)
        } while cursor != nil && pages.count < 5
        #expect(pages == [["five", "four"], ["with body", "two"], ["one"]])

        // The other recipient sees only their own item.
        r = try await Self.get(server, "/v1/inbox/items", as: Self.other)
        #expect(try Self.titles(r) == ["someone else's"])
        #expect(try r.json()["unread_count"] as? Int == 1)
        // A recipient with nothing yet has an empty feed, not a 404.
        r = try await Self.get(server, "/v1/inbox/items", as: "crm-new")
        #expect(r.status == 200)
        #expect(try Self.titles(r) == [] && r.json()["unseen_count"] as? Int == 0)
        await server.stop()
    }

    @Test("bad status, limit, cursor or unknown parameters are 422 naming the parameter; ?token= is allowed")
    func refusesBadQueries() async throws {
        let server = try await Self.server()
        try await Self.seed(server, titles: ["one"])
        let cases: [(String, String)] = [
            ("status=read", "status"), ("status=", "status"), ("status=ALL", "status"),
            ("limit=0", "limit"), ("limit=101", "limit"), ("limit=-1", "limit"), ("limit=abc", "limit"), ("limit=", "limit"),
            ("limit=1.5", "limit"), ("limit=%2B5", "limit"), ("limit=99999999999999999999", "limit"),
            ("cursor=", "cursor"), ("cursor=5", "cursor"), ("cursor=czA", "cursor"), ("cursor=cy0x", "cursor"), ("cursor=czAx", "cursor"),
            ("cursor=\(InboxCursor.encode(3))%3D", "cursor"), ("cursor=!!", "cursor"),
            ("limit=2&limit=3", "limit"), ("state=unread", "state"), ("before=3", "before"),
        ]
        for (query, field) in cases {
            let r = try await Self.get(server, "/v1/inbox/items?\(query)")
            #expect(r.status == 422, "\(query): \(r.text)")
            #expect(try r.json()["field"] as? String == field, "\(query): \(r.text)")
        }
        for query in ["limit=1", "limit=100", "status=archived", "status=unseen&limit=7", "cursor=\(InboxCursor.encode(1))"] {
            #expect(try await Self.get(server, "/v1/inbox/items?\(query)").status == 200, "\(query)")
        }
        let r = try await server.request("GET", "/v1/inbox/items?limit=5&token=\(try Self.token())", token: nil)
        #expect(r.status == 200, "\(r.text)")
        #expect(try Self.titles(r) == ["one"])
        await server.stop()
    }

    @Test("the cursor round-trips and nothing but what encode produces decodes")
    func cursor() {
        for sequence: Int64 in [1, 2, 9, 10, 99, 12_345, Int64.max] {
            #expect(InboxCursor.decode(InboxCursor.encode(sequence)) == sequence)
        }
        for text in ["", "czA", "cw", "cy0x", "czAx", "czE=", "CzE", "czE ", "czEx" + String(repeating: "MT", count: 20), "eDE"] {
            #expect(InboxCursor.decode(text) == nil, "\(text)")
        }
    }

    @Test("the document with channels.inbox: unique operation ids, declared path parameters, resolvable references")
    func document() throws {
        let templates = try TemplateLibrary(directory: TestServer.repositoryRoot.appendingPathComponent("templates").path)
        let text = OpenAPIDocument.render(templates: templates, channels: [], inbox: true)
        let root = try #require(try Yams.load(yaml: text) as? [String: Any])
        let paths = try #require(root["paths"] as? [String: Any])
        var operationIDs: [String] = []
        for (path, value) in paths where path.hasPrefix("/v1/inbox/items") {
            let item = try #require(value as? [String: Any])
            for (method, operationValue) in item where OpenAPIDocumentTests.methods.contains(method) {
                let operation = try #require(operationValue as? [String: Any])
                operationIDs.append(operation["operationId"] as? String ?? "")
                for name in OpenAPIDocumentTests.parameterNames(path) {
                    #expect(OpenAPIDocumentTests.parameters(operation, item, components: root).contains(name), "\(path)")
                }
            }
        }
        #expect(operationIDs.count == 8 && Set(operationIDs).count == 8, "\(operationIDs.sorted())")
        #expect(!operationIDs.contains(""))
        // Every reference points at something the document has.
        let components = try #require(root["components"] as? [String: Any])
        for match in text.matches(of: /"#\/components\/([A-Za-z]+)\/([A-Za-z0-9.]+)"/) {
            let section = components[String(match.output.1)] as? [String: Any]
            #expect(section?[String(match.output.2)] != nil, "\(match.output.0)")
        }
    }
}
