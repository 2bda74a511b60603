import AccoladeCore
import Foundation
import GRDB

extension SQLiteStore {
    /// The message with this id.
    public func message(id: String) async throws -> Message? {
        try await pool.read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT \(SQLiteRows.messageColumns) FROM messages WHERE id = ?"),
                arguments: [id]
            ).map(SQLiteRows.message)
        }
    }

    /// The message's deliveries, in route order.
    public func deliveries(messageID: String) async throws -> [Delivery] {
        try await pool.read { db in try Self.fetchDeliveries(db, messageID: messageID) }
    }

    /// The deliveries of every message in `messageIDs`, keyed by message id, in route order: one query.
    public func deliveries(messageIDs: [String]) async throws -> [String: [Delivery]] {
        guard !messageIDs.isEmpty else { return [:] }
        let ids = try Self.jsonArray(messageIDs)
        let deliveries = try await pool.read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT \(SQLiteRows.deliveryColumns) FROM deliveries
                        WHERE message_id IN (SELECT value FROM json_each(?))
                        ORDER BY message_id, position
                        """), arguments: [ids]
            ).map(SQLiteRows.delivery)
        }
        return Dictionary(grouping: deliveries, by: \.messageID)
    }

    /// Every attempt of the message's deliveries, oldest first (ties in append order).
    public func attempts(messageID: String) async throws -> [Attempt] {
        try await pool.read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT a.delivery_id, a.number, a.started_at, a.finished_at, a.provider, a.outcome, a.code,
                               a.detail, a.cost_micros, a.cost_currency
                        FROM attempts a JOIN deliveries d ON d.id = a.delivery_id
                        WHERE d.message_id = ?
                        ORDER BY a.started_at, a.id
                        """), arguments: [messageID]
            ).map(SQLiteRows.attempt)
        }
    }

    /// Deliveries in the given states, newest change first.
    public func deliveries(inStates states: Set<DeliveryState>, limit: Int) async throws -> [Delivery] {
        guard !states.isEmpty, limit > 0 else { return [] }
        let names = try Self.jsonArray(states.map(\.rawValue).sorted())
        return try await pool.read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT \(SQLiteRows.deliveryColumns) FROM deliveries
                        WHERE state IN (SELECT value FROM json_each(?))
                        ORDER BY updated_at DESC, id DESC LIMIT ?
                        """), arguments: [names, limit]
            ).map(SQLiteRows.delivery)
        }
    }

    /// Counts by state, the next due time and the next lease expiry, from one consistent snapshot.
    ///
    /// `now` is unused: the next due time is reported even when it is already past.
    public func snapshot(now: Date) async throws -> QueueSnapshot {
        try await pool.read { db in
            var counts: [DeliveryState: Int] = [:]
            for row in try Row.fetchAll(
                db.cachedStatement(sql: "SELECT state, COUNT(*) FROM deliveries GROUP BY state"))
            {
                let name: String = row[0]
                guard let state = DeliveryState(rawValue: name) else {
                    throw SQLiteStoreError.unreadableRow(
                        table: "deliveries", id: "*", column: "state", reason: "unknown value '\(name)'")
                }
                counts[state] = row[1]
            }
            let nextDue = try Int64.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT MIN(next_attempt_at) FROM deliveries INDEXED BY deliveries_due
                        WHERE state IN ('available', 'scheduled', 'retryable')
                        """))
            let nextExpiry = try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT MIN(lease_expires_at) FROM deliveries WHERE state = 'running'"))
            return QueueSnapshot(
                counts: counts, nextDueAt: StoreTime.date(nextDue), nextLeaseExpiry: StoreTime.date(nextExpiry))
        }
    }

    /// Counts deliveries in `states` of `channels` (all when nil).
    public func countDeliveries(inStates states: Set<DeliveryState>, channels: Set<ChannelKind>?) async throws -> Int {
        guard !states.isEmpty else { return 0 }
        let names = try Self.jsonArray(states.map(\.rawValue).sorted())
        let kinds = try Self.jsonArray((channels.map(Array.init) ?? ChannelKind.allCases).map(\.rawValue).sorted())
        return try await pool.read { db in
            try Int.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT COUNT(*) FROM deliveries
                        WHERE state IN (SELECT value FROM json_each(?)) AND channel IN (SELECT value FROM json_each(?))
                        """), arguments: [names, kinds]) ?? 0
        }
    }

    // MARK: Helpers shared by reads and writes

    /// The message holding `idempotencyKey`, if any.
    static func fetchMessage(_ db: Database, idempotencyKey: String) throws -> Message? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT \(SQLiteRows.messageColumns) FROM messages WHERE idempotency_key = ?"),
            arguments: [idempotencyKey]
        ).map(SQLiteRows.message)
    }

    /// The messages with these ids, by id, in one query.
    static func fetchMessages(_ db: Database, ids: [String]) throws -> [String: Message] {
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT \(SQLiteRows.messageColumns) FROM messages
                    WHERE id IN (SELECT value FROM json_each(?))
                    """), arguments: [jsonArray(ids)])
        var messages: [String: Message] = [:]
        messages.reserveCapacity(rows.count)
        for row in rows {
            let message = try SQLiteRows.message(row)
            messages[message.id] = message
        }
        return messages
    }

    /// A message's deliveries in route order.
    static func fetchDeliveries(_ db: Database, messageID: String) throws -> [Delivery] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: "SELECT \(SQLiteRows.deliveryColumns) FROM deliveries WHERE message_id = ? ORDER BY position"),
            arguments: [messageID]
        ).map(SQLiteRows.delivery)
    }
}
