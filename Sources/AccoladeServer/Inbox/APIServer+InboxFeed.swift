import AccoladeCore
import Foundation
import HTTPTypes
import Hummingbird
import Metrics

extension APIServer {
    /// The feed routes under `/v1/inbox/`, behind the inbox token, when `channels.inbox` is
    /// configured. Every handler reads its recipient from the token (``InboxRequestContext/recipient()``)
    /// and passes it to the store, which looks only inside that recipient's feed: another
    /// recipient's item id is `404`, exactly as an id that does not exist (a `403` would confirm
    /// that it does).
    func addInboxFeedRoutes(to router: Router<BasicRequestContext>) {
        guard let feed = inboxFeedGroup(router) else { return }
        addInboxStreamRoute(to: feed)
        feed.get("items") { request, context in
            let recipient = try context.recipient()
            let query = try InboxFeedQuery.parse(request.uri.queryParameters.map { (String($0.key), String($0.value)) })
            return try await self.storeWork("list inbox items") { try await self.listInboxItems(query, recipient: recipient) }
        }
        feed.get("items/{id}") { _, context in
            let recipient = try context.recipient()
            let id = try context.parameters.require("id")
            return try await self.storeWork("read an inbox item") { try await self.getInboxItem(id, recipient: recipient) }
        }
        // Literal paths: `seen-all` is never taken for an item id (ids are UUIDs).
        for mark in [InboxMark.seen, .read] {
            feed.post("items/\(mark.rawValue)-all") { _, context in
                let recipient = try context.recipient()
                return try await self.storeWork("mark all inbox items \(mark.rawValue)") { try await self.markAll(mark, recipient: recipient) }
            }
        }
        for mark in InboxMark.allCases {
            feed.post("items/{id}/\(mark.rawValue)") { _, context in
                let recipient = try context.recipient()
                let id = try context.parameters.require("id")
                return try await self.storeWork("mark an inbox item \(mark.rawValue)") {
                    try await self.markItem(mark, id: id, recipient: recipient)
                }
            }
        }
    }

    /// `GET /v1/inbox/items`: a page, newest first, with the badge counts of the same snapshot.
    /// With the page cache, the feed's version is read first and a page rendered from that very
    /// version answers from memory (``InboxPageCache`` says why that is never stale); otherwise
    /// the page is read with its version in one snapshot, rendered and kept.
    func listInboxItems(_ query: InboxFeedQuery, recipient: String) async throws -> Response {
        guard let cache = inboxPages else {
            let page = try await deps.store.inboxPage(recipientKey: recipient, status: query.status, before: query.before, limit: query.limit)
            return HTTPJSON.response(bytes: InboxJSON.pageBytes(page, publicURL: deps.config.publicURL), headers: Self.privateAnswer)
        }
        let key = InboxPageCache.Key(recipient: recipient, status: query.status, before: query.before, limit: query.limit)
        let version = try await deps.store.inboxVersion(recipientKey: recipient)
        if let body = cache.body(for: key, version: version) {
            return HTTPJSON.response(body: body, headers: Self.privateAnswer)
        }
        let page = try await deps.store.inboxPage(recipientKey: recipient, status: query.status, before: query.before, limit: query.limit)
        let body = ByteBuffer(bytes: InboxJSON.pageBytes(page, publicURL: deps.config.publicURL))
        cache.keep(body, for: key, version: page.version)
        return HTTPJSON.response(body: body, headers: Self.privateAnswer)
    }

    /// `GET /v1/inbox/items/{id}`: one item of this recipient's feed.
    func getInboxItem(_ id: String, recipient: String) async throws -> Response {
        guard let item = try await deps.store.inboxItem(id: id, recipientKey: recipient) else { throw Self.noItem(id) }
        return HTTPJSON.response(InboxJSON.item(item, publicURL: deps.config.publicURL), headers: Self.privateAnswer)
    }

    /// `POST /v1/inbox/items/{id}/seen|read|archive|unarchive`: `200` with the item as it is now,
    /// `changed` (1, or 0 for a repeat: every mark is idempotent) and the counts after it.
    func markItem(_ mark: InboxMark, id: String, recipient: String) async throws -> Response {
        let result = try await deps.store.markInbox(mark, .item(id), recipientKey: recipient, at: deps.clock.now())
        guard result.found else { throw Self.noItem(id) }
        record(mark, result)
        // Read after the mark, so the answer shows the marks the store holds (another tab may
        // have marked it in between; that is what the widget should show).
        guard let item = try await deps.store.inboxItem(id: id, recipientKey: recipient) else { throw Self.noItem(id) }
        let body: [String: JSONValue] = [
            "item": InboxJSON.item(item, publicURL: deps.config.publicURL), "changed": .int(Int64(result.changes.count)),
        ]
        return HTTPJSON.response(InboxJSON.adding(result.counts, to: body), headers: Self.privateAnswer)
    }

    /// `POST /v1/inbox/items/seen-all|read-all`: every item of the feed the mark changes
    /// (archived items are left alone), `changed` = how many, and the counts after.
    func markAll(_ mark: InboxMark, recipient: String) async throws -> Response {
        let result = try await deps.store.markInbox(mark, .all, recipientKey: recipient, at: deps.clock.now())
        record(mark, result)
        return HTTPJSON.response(
            InboxJSON.adding(result.counts, to: ["changed": .int(Int64(result.changes.count))]), headers: Self.privateAnswer)
    }

    /// Metrics and a debug line for what a mark changed. The receipts themselves are already in
    /// the delivery log: the store recorded them in the mark's transaction.
    private func record(_ mark: InboxMark, _ result: InboxMarkResult) {
        guard !result.changes.isEmpty else { return }
        Counter(label: "accolade_inbox_marks_total", dimensions: [("mark", mark.rawValue)]).increment(by: result.changes.count)
        var receipts = 0
        for state in result.changes.flatMap(\.receipts) {
            receipts += 1
            Counter(label: "accolade_inbox_receipts_total", dimensions: [("state", state.rawValue)]).increment()
        }
        deps.logger.debug(
            "inbox items marked",
            metadata: ["inbox.mark": "\(mark.rawValue)", "inbox.changed": "\(result.changes.count)", "inbox.receipts": "\(receipts)"])
    }

    /// A recipient's feed is theirs alone: no shared or intermediary cache may keep it.
    static let privateAnswer: HTTPFields = [.cacheControl: "private, no-store"]

    /// `404` for an id that is not in this recipient's feed, whether it exists elsewhere or not.
    static func noItem(_ id: String) -> Problem {
        Problem.notFound("no item \(id) in this inbox")
    }
}
