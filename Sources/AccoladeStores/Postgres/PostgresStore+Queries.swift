import AccoladeCore
import Foundation
import Logging
import PostgresNIO

extension PostgresStore {
    /// The message with this id.
    public func message(id: String) async throws -> Message? {
        try await rows(
            "read a message",
            "SELECT \(unescaped: PostgresRows.messageColumns) FROM messages WHERE id = \(id)"
        ).first.map(PostgresRows.message)
    }

    /// The message's deliveries, in route order.
    public func deliveries(messageID: String) async throws -> [Delivery] {
        try await rows(
            "read deliveries",
            """
            SELECT \(unescaped: PostgresRows.deliveryColumns) FROM deliveries
            WHERE message_id = \(messageID) ORDER BY position
            """
        ).map(PostgresRows.delivery)
    }

    /// The deliveries of every message in `messageIDs`, keyed by message id, in route order: one query.
    public func deliveries(messageIDs: [String]) async throws -> [String: [Delivery]] {
        guard !messageIDs.isEmpty else { return [:] }
        let deliveries = try await rows(
            "read deliveries of messages",
            """
            SELECT \(unescaped: PostgresRows.deliveryColumns) FROM deliveries
            WHERE message_id = ANY(\(messageIDs)) ORDER BY message_id, position
            """
        ).map(PostgresRows.delivery)
        return Dictionary(grouping: deliveries, by: \.messageID)
    }

    /// Every attempt of the message's deliveries, oldest first (ties in append order).
    public func attempts(messageID: String) async throws -> [Attempt] {
        try await rows(
            "read attempts",
            """
            SELECT a.delivery_id, a.number, a.started_at, a.finished_at, a.provider, a.outcome, a.code, a.detail,
                a.cost_micros, a.cost_currency
            FROM attempts a JOIN deliveries d ON d.id = a.delivery_id
            WHERE d.message_id = \(messageID)
            ORDER BY a.started_at, a.id
            """
        ).map(PostgresRows.attempt)
    }

    /// Deliveries in the given states, newest change first.
    public func deliveries(inStates states: Set<DeliveryState>, limit: Int) async throws -> [Delivery] {
        guard !states.isEmpty, limit > 0 else { return [] }
        let names = states.map(\.rawValue).sorted()
        return try await rows(
            "list deliveries by state",
            """
            SELECT \(unescaped: PostgresRows.deliveryColumns) FROM deliveries
            WHERE state = ANY(\(names)) ORDER BY updated_at DESC, id DESC LIMIT \(limit)
            """
        ).map(PostgresRows.delivery)
    }

    /// Counts by state, the next due time and the next lease expiry, from one statement (one snapshot).
    ///
    /// `now` is unused: the next due time is reported even when it is already past.
    public func snapshot(now: Date) async throws -> QueueSnapshot {
        // '#' never starts a state name, so the two minimums ride along as pseudo-states.
        let result = try await rows(
            "read the queue snapshot",
            """
            SELECT state, COUNT(*)::bigint FROM deliveries GROUP BY state
            UNION ALL
            SELECT '#due', MIN(next_attempt_at) FROM deliveries
            WHERE state IN ('available', 'scheduled', 'retryable')
            UNION ALL
            SELECT '#lease', MIN(lease_expires_at) FROM deliveries WHERE state = 'running'
            """)
        var counts: [DeliveryState: Int] = [:]
        var nextDue: Int64?
        var nextExpiry: Int64?
        for row in result {
            let (name, value) = try row.decode((String, Int64?).self)
            switch name {
            case "#due": nextDue = value
            case "#lease": nextExpiry = value
            default:
                let state = try PostgresRows.decode(DeliveryState.self, name, table: "deliveries", id: "*", column: "state")
                counts[state] = Int(value ?? 0)
            }
        }
        return QueueSnapshot(counts: counts, nextDueAt: StoreTime.date(nextDue), nextLeaseExpiry: StoreTime.date(nextExpiry))
    }

    /// Counts deliveries in `states` of `channels` (all when nil).
    public func countDeliveries(inStates states: Set<DeliveryState>, channels: Set<ChannelKind>?) async throws -> Int {
        guard !states.isEmpty else { return 0 }
        let names = states.map(\.rawValue).sorted()
        let kinds = (channels.map(Array.init) ?? ChannelKind.allCases).map(\.rawValue).sorted()
        let result = try await rows(
            "count deliveries",
            "SELECT COUNT(*)::bigint FROM deliveries WHERE state = ANY(\(names)) AND channel = ANY(\(kinds))")
        return Int(try result.first?.decode(Int64.self) ?? 0)
    }

    // MARK: Helpers shared by reads and writes

    /// The messages holding these idempotency keys, by key.
    static func fetchMessages(
        _ db: PostgresConnection, idempotencyKeys keys: [String], logger: Logger
    ) async throws -> [String: Message] {
        guard !keys.isEmpty else { return [:] }
        var messages: [String: Message] = [:]
        let query: PostgresQuery = """
            SELECT \(unescaped: PostgresRows.messageColumns) FROM messages WHERE idempotency_key = ANY(\(Array(Set(keys))))
            """
        for try await row in try await db.query(query, logger: logger) {
            let message = try PostgresRows.message(row)
            if let key = message.idempotencyKey { messages[key] = message }
        }
        return messages
    }

    /// The deliveries of these messages, by message id, each list in route order.
    static func fetchDeliveries(
        _ db: PostgresConnection, messageIDs ids: [String], logger: Logger
    ) async throws -> [String: [Delivery]] {
        guard !ids.isEmpty else { return [:] }
        var deliveries: [String: [Delivery]] = [:]
        let query: PostgresQuery = """
            SELECT \(unescaped: PostgresRows.deliveryColumns) FROM deliveries
            WHERE message_id = ANY(\(ids)) ORDER BY message_id, position
            """
        for try await row in try await db.query(query, logger: logger) {
            let delivery = try PostgresRows.delivery(row)
            deliveries[delivery.messageID, default: []].append(delivery)
        }
        return deliveries
    }
}
