import AccoladeCore
import Foundation
import Logging
import PostgresNIO

/// The ``InboxFeed`` on PostgreSQL.
///
/// Sequences are gap-free and in commit order per recipient, with any number of writers: a
/// transaction writing items first locks its recipients' `inbox_feeds` rows (in key order, so two
/// writers never wait on each other in a cycle), then takes each next sequence from the locked row
/// and keeps the lock until it commits. A second writer for the same recipient blocks on the row
/// until the first has committed (and is visible: PostgreSQL releases row locks after marking the
/// transaction committed) or rolled back (its increment is undone with it, so no gap), and only
/// then reads the counter. Hence the committed sequences of a recipient are always exactly 1…n,
/// and n+1 commits after n: a stream that has sent n never later finds an older item it missed.
/// Writers for different recipients do not wait for each other.
///
/// Every commit that changes a feed sends `NOTIFY accolade_inbox` with the recipient key, for API
/// nodes' streams.
extension PostgresStore {
    @discardableResult
    public func writeInboxItems(_ items: [NewInboxItem]) async throws -> [InboxItem] {
        guard !items.isEmpty else { return [] }
        let logger = queryLogger
        return try await transaction("write inbox items") { db in try await Self.insertInboxItems(items, db: db, logger: logger) }
    }

    public func inboxPage(recipientKey: String, status: InboxStatus, before: Int64?, limit: Int) async throws -> InboxPage {
        let limit = max(0, limit)
        // One statement, so the page, its counts and the feed version come from one snapshot
        // (under READ COMMITTED each statement of a transaction would take its own). With no items the counts still
        // come back, on a row whose item columns are NULL.
        let query: PostgresQuery = """
            SELECT \(unescaped: Self.countColumns), c.version, p.* FROM (\(unescaped: Self.countsSelect),
                (SELECT version FROM inbox_feeds WHERE recipient_key = $R) AS version) c
            LEFT JOIN LATERAL (
                SELECT \(unescaped: InboxSQL.itemColumns) FROM inbox_items
                WHERE recipient_key = $R AND \(unescaped: InboxSQL.predicate(status))
                    AND (\(before)::bigint IS NULL OR sequence < \(before))
                ORDER BY sequence DESC LIMIT \(limit + 1)) p ON true
            ORDER BY p.sequence DESC
            """
        let rows = try await rows("list an inbox", query.binding(recipient: recipientKey))
        guard let first = rows.first?.makeRandomAccess() else {
            return InboxPage(items: [], nextCursor: nil, counts: InboxCounts(unread: 0, unseen: 0))
        }
        let counts = try Self.counts(first)
        let version = try first[2].decode(Int64?.self) ?? 0
        var items: [InboxItem] = []
        for row in rows {
            let columns = row.makeRandomAccess()
            if try columns[3].decode(String?.self) == nil { continue }
            items.append(try Self.inboxItem(columns, from: 3))
        }
        let more = items.count > limit
        if more { items.removeLast() }
        return InboxPage(items: items, nextCursor: more ? items.last?.sequence : nil, counts: counts, version: version)
    }

    public func inboxVersion(recipientKey: String) async throws -> Int64 {
        let rows = try await rows("read an inbox version", "SELECT version FROM inbox_feeds WHERE recipient_key = \(recipientKey)")
        return try rows.first?.makeRandomAccess()[0].decode(Int64.self) ?? 0
    }

    public func inboxItems(recipientKey: String, after sequence: Int64, limit: Int) async throws -> [InboxItem] {
        guard limit > 0 else { return [] }
        return try await rows(
            "read inbox items",
            """
            SELECT \(unescaped: InboxSQL.itemColumns) FROM inbox_items
            WHERE recipient_key = \(recipientKey) AND sequence > \(sequence) ORDER BY sequence LIMIT \(limit)
            """
        ).map(Self.inboxItem)
    }

    public func inboxItem(id: String, recipientKey: String) async throws -> InboxItem? {
        try await rows(
            "read an inbox item",
            "SELECT \(unescaped: InboxSQL.itemColumns) FROM inbox_items WHERE id = \(id) AND recipient_key = \(recipientKey)"
        ).first.map(Self.inboxItem)
    }

    public func markInbox(_ mark: InboxMark, _ selection: InboxSelection, recipientKey: String, at time: Date) async throws
        -> InboxMarkResult
    {
        let logger = queryLogger
        return try await transaction("mark inbox items") { db in
            // Lock the selected rows (in sequence order: two tabs' "read all" queue, never deadlock),
            // so a concurrent mark of the same item waits and then finds nothing left to change.
            let select: PostgresQuery
            switch selection {
            case .item(let id):
                select = """
                    SELECT \(unescaped: InboxSQL.itemColumns) FROM inbox_items
                    WHERE id = \(id) AND recipient_key = \(recipientKey) FOR UPDATE
                    """
            case .all:
                select = """
                    SELECT \(unescaped: InboxSQL.itemColumns) FROM inbox_items
                    WHERE recipient_key = \(recipientKey) AND \(unescaped: InboxSQL.predicate(mark.bulkCandidates))
                    ORDER BY sequence FOR UPDATE
                    """
            }
            let items = try await db.query(select, logger: logger).collect().map(Self.inboxItem)
            var changes: [InboxItemChange] = []
            for item in items {
                guard let after = mark.applied(to: item.marks, at: time) else { continue }
                changes.append(
                    InboxItemChange(itemID: item.id, sequence: item.sequence, deliveryID: item.deliveryID, before: item.marks, after: after))
            }
            if !changes.isEmpty {
                let records = try PostgresRows.records(
                    changes.map {
                        [
                            "id": .string($0.itemID), "seen_at": PostgresRows.millis($0.after.seenAt),
                            "read_at": PostgresRows.millis($0.after.readAt), "archived_at": PostgresRows.millis($0.after.archivedAt),
                        ]
                    }, field: "inbox marks")
                try await db.query(
                    """
                    UPDATE inbox_items i SET seen_at = u.seen_at, read_at = u.read_at, archived_at = u.archived_at
                    FROM json_to_recordset(\(records)::json) AS u(id text, seen_at bigint, read_at bigint, archived_at bigint)
                    WHERE i.id = u.id
                    """, logger: logger)
                // Receipts after the items: locks are taken items, then deliveries, then the feed row.
                for change in changes {
                    for report in change.receiptReports(at: time) {
                        _ = try await Self.apply(report, deliveryID: change.deliveryID, db: db, logger: logger)
                    }
                }
                try await db.query(
                    """
                    UPDATE inbox_feeds SET version = version + 1, change_mark = nextval('inbox_change_marks')
                    WHERE recipient_key = \(recipientKey)
                    """, logger: logger)
                try await Self.notifyInbox([recipientKey], db: db, logger: logger)
            }
            let head = try await Self.inboxHead(recipientKey, db: db, logger: logger)
            return InboxMarkResult(
                found: !items.isEmpty || selection == .all, changes: changes, counts: head.counts, version: head.version)
        }
    }

    public func inboxHead(recipientKey: String) async throws -> InboxHead {
        let rows = try await rows("read an inbox head", Self.headQuery(recipientKey))
        return try Self.head(recipientKey, rows)
    }

    public func inboxChanges(after mark: Int64, limit: Int) async throws -> InboxFeedChanges {
        guard limit > 0 else { return InboxFeedChanges(feeds: [], mark: mark) }
        let feeds = try await rows(
            "read inbox changes",
            """
            SELECT recipient_key, last_sequence, version, change_mark FROM inbox_feeds
            WHERE change_mark > \(mark) ORDER BY change_mark LIMIT \(limit)
            """
        ).map { row in
            let (key, last, version, mark) = try row.decode((String, Int64, Int64, Int64).self)
            return InboxFeedChange(recipientKey: key, lastSequence: last, version: version, mark: mark)
        }
        return InboxFeedChanges(feeds: feeds, mark: feeds.last?.mark ?? mark)
    }

    // MARK: Inside a caller's transaction

    /// Inserts items inside the caller's transaction (``writeInboxItems(_:)`` and the outcome
    /// transaction of ``complete(_:)``), returning them in input order as stored. See the type's
    /// comment for the locking that makes sequences gap-free in commit order.
    static func insertInboxItems(_ items: [NewInboxItem], db: PostgresConnection, logger: Logger) async throws -> [InboxItem] {
        guard !items.isEmpty else { return [] }
        let keys = Set(items.map(\.recipientKey)).sorted()
        // Create-or-lock each feed row, in key order. The no-op update takes the row lock (a new
        // row is locked by its insert); a concurrent first writer for a new recipient makes this
        // wait for its commit and then lock the row it made.
        for key in keys {
            try await db.query(
                """
                INSERT INTO inbox_feeds (recipient_key, last_sequence, version, change_mark) VALUES (\(key), 0, 0, 0)
                ON CONFLICT (recipient_key) DO UPDATE SET last_sequence = inbox_feeds.last_sequence
                """, logger: logger)
        }
        var stored: [InboxItem] = []
        for item in items {
            // Read after the lock: a writer of the same delivery's item that committed first is seen here.
            if let row = try await db.query(
                "SELECT \(unescaped: InboxSQL.itemColumns) FROM inbox_items WHERE delivery_id = \(item.deliveryID)", logger: logger
            ).collect().first {
                stored.append(try inboxItem(row))
                continue
            }
            let created = StoreTime.millis(item.createdAt)
            let rows = try await db.query(
                """
                WITH bumped AS (
                    UPDATE inbox_feeds SET last_sequence = last_sequence + 1, version = version + 1,
                        change_mark = nextval('inbox_change_marks')
                    WHERE recipient_key = \(item.recipientKey)
                    RETURNING last_sequence)
                INSERT INTO inbox_items (id, recipient_key, sequence, delivery_id, message_id, template, locale, title, body,
                                         url, image_token, created_at)
                SELECT \(item.id), \(item.recipientKey), bumped.last_sequence, \(item.deliveryID), \(item.messageID),
                       \(item.template), \(item.locale), \(item.title), \(item.body), \(item.url), \(item.imageToken), \(created)
                FROM bumped
                RETURNING sequence
                """, logger: logger
            ).collect()
            guard let sequence = try rows.first?.decode(Int64.self) else {
                throw PostgresStoreError.unreadableRow(
                    table: "inbox_feeds", id: item.recipientKey, column: "last_sequence", reason: "the locked feed row is missing")
            }
            stored.append(item.stored(sequence: sequence).storeNormalized)
        }
        try await notifyInbox(keys, db: db, logger: logger)
        return stored
    }

    /// Signals each recipient's feed change when the transaction commits (PostgreSQL holds NOTIFY
    /// until then, and folds repeats of one payload within a transaction into one).
    static func notifyInbox(_ keys: [String], db: PostgresConnection, logger: Logger) async throws {
        guard !keys.isEmpty else { return }
        try await db.query(
            "SELECT pg_notify(\(InboxSQL.notifyChannel), key) FROM unnest(\(keys)::text[]) AS k(key)", logger: logger)
    }

    /// The two counts as columns of ``countsSelect`` (`c.unread, c.unseen`).
    static let countColumns = "c.unread, c.unseen"

    /// The counts of the recipient bound as `$R` (``PostgresQuery/binding(recipient:)``), each a scalar sub-select answered from its
    /// partial index.
    static let countsSelect = """
        SELECT (SELECT COUNT(*) FROM inbox_items WHERE recipient_key = $R AND \(InboxSQL.predicate(.unread))) AS unread,
               (SELECT COUNT(*) FROM inbox_items WHERE recipient_key = $R AND \(InboxSQL.predicate(.unseen))) AS unseen
        """

    /// A recipient's head in one statement (one snapshot): counts, newest sequence and version
    /// (NULL before its first item).
    static func headQuery(_ recipientKey: String) -> PostgresQuery {
        let query: PostgresQuery = """
        SELECT \(unescaped: countColumns), f.last_sequence, f.version FROM (\(unescaped: countsSelect)) c
        LEFT JOIN inbox_feeds f ON f.recipient_key = $R
        """
        return query.binding(recipient: recipientKey)
    }

    static func head(_ recipientKey: String, _ rows: [PostgresRow]) throws -> InboxHead {
        guard let row = rows.first?.makeRandomAccess() else {
            return InboxHead(recipientKey: recipientKey, lastSequence: 0, version: 0, counts: InboxCounts(unread: 0, unseen: 0))
        }
        return InboxHead(
            recipientKey: recipientKey, lastSequence: try row[2].decode(Int64?.self) ?? 0, version: try row[3].decode(Int64?.self) ?? 0,
            counts: try counts(row))
    }

    static func counts(_ row: PostgresRandomAccessRow) throws -> InboxCounts {
        InboxCounts(unread: Int(try row[0].decode(Int64.self)), unseen: Int(try row[1].decode(Int64.self)))
    }

    static func inboxHead(_ recipientKey: String, db: PostgresConnection, logger: Logger) async throws -> InboxHead {
        try head(recipientKey, try await db.query(headQuery(recipientKey), logger: logger).collect())
    }

    /// An item from a row selected with ``InboxSQL/itemColumns``.
    static func inboxItem(_ row: PostgresRow) throws -> InboxItem {
        try inboxItem(row.makeRandomAccess(), from: 0)
    }

    /// An item from ``InboxSQL/itemColumns`` starting at column `base` of a wider row.
    static func inboxItem(_ row: PostgresRandomAccessRow, from base: Int) throws -> InboxItem {
        let c = PostgresRows.Columns(row: row, base: base)
        return InboxItem(
            id: try c[0].decode(String.self), recipientKey: try c[1].decode(String.self), sequence: try c[2].decode(Int64.self),
            deliveryID: try c[3].decode(String.self), messageID: try c[4].decode(String.self),
            template: try c[5].decode(String.self), locale: try c[6].decode(String?.self), title: try c[7].decode(String.self),
            body: try c[8].decode(String?.self), url: try c[9].decode(String?.self), imageToken: try c[10].decode(String?.self),
            createdAt: StoreTime.date(try c[11].decode(Int64.self)),
            marks: InboxMarks(
                seenAt: StoreTime.date(try c[12].decode(Int64?.self)), readAt: StoreTime.date(try c[13].decode(Int64?.self)),
                archivedAt: StoreTime.date(try c[14].decode(Int64?.self))))
    }
}

extension PostgresQuery {
    /// The placeholder a statement writes for the value ``binding(recipient:)`` binds.
    static let recipientBind = "$R"

    /// This query with `value` bound once, after its own binds, wherever its SQL says
    /// ``recipientBind``: for statements that use one value several times (PostgresNIO's
    /// interpolation gives every occurrence a bind of its own).
    func binding(recipient value: String) -> PostgresQuery {
        var binds = self.binds
        binds.append(value)
        return PostgresQuery(unsafeSQL: sql.replacingOccurrences(of: Self.recipientBind, with: "$\(binds.count)"), binds: binds)
    }
}
