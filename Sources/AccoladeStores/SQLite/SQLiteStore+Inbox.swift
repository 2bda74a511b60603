import AccoladeCore
import Foundation
import GRDB

/// The ``InboxFeed`` on SQLite.
///
/// Sequences: every write runs under SQLite's one write lock (`BEGIN IMMEDIATE`), so the
/// transaction that takes a recipient's next sequence from `inbox_feeds` commits before any other
/// can read the counter: per recipient, sequences are gap-free and in commit order. The store-wide
/// `change_mark` (MAX + 1, one index probe) is in commit order for the same reason.
extension SQLiteStore {
    @discardableResult
    public func writeInboxItems(_ items: [NewInboxItem]) async throws -> [InboxItem] {
        guard !items.isEmpty else { return [] }
        return try await writeFolding { db in try Self.insertInboxItems(items, db: db) }
    }

    public func inboxPage(recipientKey: String, status: InboxStatus, before: Int64?, limit: Int) async throws -> InboxPage {
        let limit = max(0, limit)
        return try feedRead { db in
            var items = try Self.inboxItems(
                db.cachedStatement(
                    sql: """
                        SELECT \(InboxSQL.itemColumns) FROM inbox_items
                        WHERE recipient_key = ?1 AND \(InboxSQL.predicate(status)) AND (?2 IS NULL OR sequence < ?2)
                        ORDER BY sequence DESC LIMIT ?3
                        """),
                arguments: [recipientKey, before, limit + 1])
            let more = items.count > limit
            if more { items.removeLast() }
            return InboxPage(
                items: items, nextCursor: more ? items.last?.sequence : nil, counts: try Self.inboxCounts(recipientKey, db: db),
                version: try Self.inboxVersion(recipientKey, db: db))
        }
    }

    /// It runs on every `GET /v1/inbox/items`: on ``SQLiteFeedVersionProbe``'s own connections
    /// (GRDB's reader pool made the event loops wait on each other), through GRDB only when the
    /// probe cannot answer. One statement is its own snapshot, so neither wraps it in
    /// `BEGIN`/`COMMIT`.
    public func inboxVersion(recipientKey: String) async throws -> Int64 {
        if let version = feedVersions.version(recipientKey) { return version }
        return try feedProbe { db in try Self.inboxVersion(recipientKey, db: db) }
    }

    public func inboxItems(recipientKey: String, after sequence: Int64, limit: Int) async throws -> [InboxItem] {
        guard limit > 0 else { return [] }
        return try feedRead { db in
            try Self.inboxItems(
                db.cachedStatement(
                    sql: """
                        SELECT \(InboxSQL.itemColumns) FROM inbox_items
                        WHERE recipient_key = ? AND sequence > ? ORDER BY sequence LIMIT ?
                        """),
                arguments: [recipientKey, sequence, limit])
        }
    }

    public func inboxItem(id: String, recipientKey: String) async throws -> InboxItem? {
        try feedRead { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT \(InboxSQL.itemColumns) FROM inbox_items WHERE id = ? AND recipient_key = ?"),
                arguments: [id, recipientKey]
            ).map(Self.inboxItem)
        }
    }

    public func markInbox(_ mark: InboxMark, _ selection: InboxSelection, recipientKey: String, at time: Date) async throws
        -> InboxMarkResult
    {
        try await writeFolding { db in
            let rows: [Row]
            switch selection {
            case .item(let id):
                rows = try Row.fetchAll(
                    db.cachedStatement(sql: "SELECT \(InboxSQL.itemColumns) FROM inbox_items WHERE id = ? AND recipient_key = ?"),
                    arguments: [id, recipientKey])
            case .all:
                rows = try Row.fetchAll(
                    db.cachedStatement(
                        sql: """
                            SELECT \(InboxSQL.itemColumns) FROM inbox_items
                            WHERE recipient_key = ? AND \(InboxSQL.predicate(mark.bulkCandidates)) ORDER BY sequence
                            """),
                    arguments: [recipientKey])
            }
            let update = try db.cachedStatement(sql: "UPDATE inbox_items SET seen_at = ?, read_at = ?, archived_at = ? WHERE id = ?")
            var changes: [InboxItemChange] = []
            for item in try rows.map(Self.inboxItem) {
                guard let after = mark.applied(to: item.marks, at: time) else { continue }
                try update.execute(arguments: [
                    StoreTime.millis(after.seenAt), StoreTime.millis(after.readAt), StoreTime.millis(after.archivedAt), item.id,
                ])
                let change = InboxItemChange(
                    itemID: item.id, sequence: item.sequence, deliveryID: item.deliveryID, before: item.marks, after: after)
                for report in change.receiptReports(at: time) {
                    _ = try Self.apply(report, deliveryID: item.deliveryID, db: db)
                }
                changes.append(change)
            }
            if !changes.isEmpty {
                try db.cachedStatement(
                    sql: """
                        UPDATE inbox_feeds SET version = version + 1,
                            change_mark = (SELECT COALESCE(MAX(change_mark), 0) + 1 FROM inbox_feeds)
                        WHERE recipient_key = ?
                        """
                ).execute(arguments: [recipientKey])
            }
            let head = try Self.inboxHead(recipientKey, db: db)
            return InboxMarkResult(found: !rows.isEmpty || selection == .all, changes: changes, counts: head.counts, version: head.version)
        }
    }

    public func inboxHead(recipientKey: String) async throws -> InboxHead {
        try feedRead { db in try Self.inboxHead(recipientKey, db: db) }
    }

    public func inboxChanges(after mark: Int64, limit: Int) async throws -> InboxFeedChanges {
        guard limit > 0 else { return InboxFeedChanges(feeds: [], mark: mark) }
        return try await pool.read { db in
            let feeds = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT recipient_key, last_sequence, version, change_mark FROM inbox_feeds
                        WHERE change_mark > ? ORDER BY change_mark LIMIT ?
                        """),
                arguments: [mark, limit]
            ).map { InboxFeedChange(recipientKey: $0[0], lastSequence: $0[1], version: $0[2], mark: $0[3]) }
            return InboxFeedChanges(feeds: feeds, mark: feeds.last?.mark ?? mark)
        }
    }

    /// Runs one of the feed's reads on the calling thread. These are a few index probes in a WAL
    /// snapshot (tens of microseconds, never waiting for the writer), and `GET /v1/inbox/items`
    /// and every stream wake make them: awaiting GRDB's asynchronous `read` instead hops to a
    /// reader's dispatch queue and back, two thread switches that cost several times the query
    /// itself (measured with `scripts/bench-inbox.sh`). Longer reads stay asynchronous.
    private func feedRead<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.read(body)
    }

    /// ``feedRead(_:)`` for a body of one statement, which needs no transaction around it.
    private func feedProbe<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.unsafeRead(body)
    }

    /// The items a statement selecting ``InboxSQL/itemColumns`` returns, decoded as SQLite steps
    /// (no intermediate copy of every row).
    static func inboxItems(_ statement: Statement, arguments: StatementArguments) throws -> [InboxItem] {
        var items: [InboxItem] = []
        let rows = try Row.fetchCursor(statement, arguments: arguments)
        while let row = try rows.next() { items.append(try inboxItem(row)) }
        return items
    }

    // MARK: Inside a caller's transaction

    /// Inserts items inside the caller's write transaction (``writeInboxItems(_:)`` and the
    /// outcome transaction of ``complete(_:)``), each taking its recipient's next sequence; an
    /// item for a delivery that has one already takes nothing and returns the stored one.
    static func insertInboxItems(_ items: [NewInboxItem], db: Database) throws -> [InboxItem] {
        let existing = try db.cachedStatement(sql: "SELECT \(InboxSQL.itemColumns) FROM inbox_items WHERE delivery_id = ?")
        let bump = try db.cachedStatement(
            sql: """
                INSERT INTO inbox_feeds (recipient_key, last_sequence, version, change_mark)
                VALUES (?1, 1, 1, (SELECT COALESCE(MAX(change_mark), 0) + 1 FROM inbox_feeds))
                ON CONFLICT (recipient_key) DO UPDATE
                SET last_sequence = last_sequence + 1, version = version + 1, change_mark = excluded.change_mark
                RETURNING last_sequence
                """)
        let insert = try db.cachedStatement(
            sql: "INSERT INTO inbox_items (\(InboxSQL.itemColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL)")
        var stored: [InboxItem] = []
        for item in items {
            if let row = try Row.fetchOne(existing, arguments: [item.deliveryID]) {
                stored.append(try inboxItem(row))
                continue
            }
            guard let sequence = try Int64.fetchOne(bump, arguments: [item.recipientKey]) else {
                throw SQLiteStoreError.unreadableRow(
                    table: "inbox_feeds", id: item.recipientKey, column: "last_sequence", reason: "the counter returned no row")
            }
            try insert.execute(arguments: [
                item.id, item.recipientKey, sequence, item.deliveryID, item.messageID, item.template, item.locale, item.title,
                item.body, item.url, item.imageToken, StoreTime.millis(item.createdAt),
            ])
            stored.append(item.stored(sequence: sequence).storeNormalized)
        }
        return stored
    }

    static func inboxCounts(_ recipientKey: String, db: Database) throws -> InboxCounts {
        let row = try Row.fetchOne(db.cachedStatement(sql: InboxSQL.sqliteCounts), arguments: [recipientKey])
        return InboxCounts(unread: row?[0] ?? 0, unseen: row?[1] ?? 0)
    }

    static func inboxVersion(_ recipientKey: String, db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT version FROM inbox_feeds WHERE recipient_key = ?"), arguments: [recipientKey]) ?? 0
    }

    static func inboxHead(_ recipientKey: String, db: Database) throws -> InboxHead {
        let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT last_sequence, version FROM inbox_feeds WHERE recipient_key = ?"),
            arguments: [recipientKey])
        return InboxHead(
            recipientKey: recipientKey, lastSequence: row?[0] ?? 0, version: row?[1] ?? 0,
            counts: try inboxCounts(recipientKey, db: db))
    }

    /// An item from a row selected with ``InboxSQL/itemColumns``.
    static func inboxItem(_ row: Row) throws -> InboxItem {
        InboxItem(
            id: row[0], recipientKey: row[1], sequence: row[2], deliveryID: row[3], messageID: row[4], template: row[5],
            locale: row[6], title: row[7], body: row[8], url: row[9], imageToken: row[10],
            createdAt: StoreTime.date(row[11] as Int64),
            marks: InboxMarks(
                seenAt: StoreTime.date(row[12] as Int64?), readAt: StoreTime.date(row[13] as Int64?),
                archivedAt: StoreTime.date(row[14] as Int64?)))
    }
}

extension InboxItem {
    /// The item as the store gives it back: times rounded to the millisecond.
    var storeNormalized: InboxItem {
        var i = self
        i.createdAt = StoreTime.normalized(createdAt)
        i.marks = InboxMarks(
            seenAt: StoreTime.normalized(marks.seenAt), readAt: StoreTime.normalized(marks.readAt),
            archivedAt: StoreTime.normalized(marks.archivedAt))
        return i
    }
}
