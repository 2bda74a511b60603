import AccoladeCore
import Foundation

/// Where one inbox stream stands in its recipient's feed, and what it must send next.
///
/// The stream sends each item once, in sequence order: it remembers the last sequence it sent and
/// reads only items after it. Sequences are assigned per recipient in the transaction that writes
/// the item (so they follow commit order, without holes), which is what makes "after the last one
/// sent" lose nothing and repeat nothing, on one node or many, across reconnects (`Last-Event-ID`).
struct InboxStreamSession: Sendable {
    /// Items read per store call while catching up.
    static let page = 100

    let feed: any InboxFeed
    let recipientKey: String
    let publicURL: String
    /// The last item sequence sent (or the resume point); items after it are new to the client.
    private(set) var lastSequence: Int64 = 0
    /// The feed version the last `counts` event showed; nil before the first.
    private(set) var lastVersion: Int64?
    /// More than a page of items was waiting: call ``catchUp()`` again before waiting for a wake.
    private(set) var behind = false

    /// A session for one recipient's stream.
    init(feed: any InboxFeed, recipientKey: String, publicURL: String) {
        self.feed = feed
        self.recipientKey = recipientKey
        self.publicURL = publicURL
    }

    /// The first events of a stream: with a resume point, the items after it (the first page; the
    /// stream goes on with ``catchUp()``), then the counts. Without one, only the counts: a new
    /// stream starts at the newest item, the page lists the older ones.
    mutating func start(resumingAfter resume: Int64?) async throws -> [InboxStreamEvent] {
        let head = try await feed.inboxHead(recipientKey: recipientKey)
        // A resume point beyond the feed's newest item cannot be this feed's (a store rebuilt, a
        // token for another recipient's id): start from the newest instead of skipping what comes.
        lastSequence = min(resume ?? head.lastSequence, head.lastSequence)
        return try await catchUp(head: head)
    }

    /// The events a wake calls for: the items after the last one sent (at most one page; call
    /// again while ``behind``), then a `counts` event if the
    /// feed's version moved (a new item, or a mark made by any tab on any node).
    mutating func catchUp() async throws -> [InboxStreamEvent] {
        try await catchUp(head: feed.inboxHead(recipientKey: recipientKey))
    }

    private mutating func catchUp(head: InboxHead) async throws -> [InboxStreamEvent] {
        var events: [InboxStreamEvent] = []
        behind = false
        if head.lastSequence > lastSequence {
            let items = try await feed.inboxItems(recipientKey: recipientKey, after: lastSequence, limit: Self.page)
            for item in items where item.sequence > lastSequence {
                events.append(.item(sequence: item.sequence, json: InboxJSON.item(item, publicURL: publicURL)))
                lastSequence = item.sequence
            }
            // More than a page behind: the counts wait until the items are all out.
            if items.count == Self.page && lastSequence < head.lastSequence {
                behind = true
                return events
            }
        }
        if head.version != lastVersion {
            events.append(.counts(head))
            lastVersion = head.version
        }
        return events
    }
}

/// The resume point of `GET /v1/inbox/stream`: the `Last-Event-ID` header `EventSource` sends on
/// its own reconnects, or `?last_event_id=` for a new `EventSource` (after a token refresh), which
/// cannot set headers. The header wins when both are there: it is the newer of the two.
enum InboxStreamResume {
    /// The query parameters the stream understands (`token` is the auth middleware's).
    static let parameters: Set<String> = ["last_event_id", "token"]

    /// The sequence to resume after; nil to start at the newest item.
    static func parse(header: String?, query pairs: [(name: String, value: String)]) throws(Problem) -> Int64? {
        var fromQuery: String?
        var seen: Set<String> = []
        for (name, value) in pairs {
            guard parameters.contains(name) else {
                throw Problem.invalid(ValidationError(field: name, reason: "unknown query parameter; use last_event_id"))
            }
            guard seen.insert(name).inserted else {
                throw Problem.invalid(ValidationError(field: name, reason: "appears more than once; give it once"))
            }
            if name == "last_event_id" { fromQuery = value }
        }
        // Both are checked, so a bad one is never hidden by a good one.
        let query = try fromQuery.map { value throws(Problem) in try sequence(value, field: "last_event_id") }
        if let header { return try sequence(header, field: "Last-Event-ID") }
        return query
    }

    private static func sequence(_ text: String, field: String) throws(Problem) -> Int64 {
        guard text.utf8.count <= 18, !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let n = Int64(text) else {
            throw Problem.invalid(ValidationError(field: field, reason: "must be the id of an event this stream sent (a whole number)"))
        }
        return n
    }
}
