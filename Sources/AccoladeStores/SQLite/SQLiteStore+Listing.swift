import AccoladeCore
import Foundation
import GRDB

extension SQLiteStore {
    /// Provider status events of the message's deliveries, oldest first.
    public func receipts(messageID: String) async throws -> [Receipt] {
        try await pool.read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT r.delivery_id, r.status, r.provider, r.provider_event_id, r.occurred_at, r.received_at,
                               r.detail, r.part_index, r.part_count
                        FROM receipts r JOIN deliveries d ON d.id = r.delivery_id
                        WHERE d.message_id = ?
                        ORDER BY r.received_at, r.id
                        """), arguments: [messageID]
            ).map { row in
                Receipt(
                    deliveryID: row[0], status: row[1], provider: row[2], providerEventID: row[3],
                    occurredAt: StoreTime.date(row[4] as Int64?), receivedAt: StoreTime.date(row[5] as Int64),
                    detail: row[6], part: (row[7] as Int?).flatMap { index in (row[8] as Int?).flatMap { ReceiptReport.Part(index: index, count: $0) } })
            }
        }
    }

    /// Messages matching `query`, newest first (id order is acceptance order: ids are UUIDv7).
    public func messages(matching query: MessageQuery) async throws -> [Message] {
        guard query.limit > 0 else { return [] }
        var clauses: [String] = []
        var arguments: StatementArguments = []
        if let recipient = query.recipient {
            // One OR of four indexed equalities: SQLite answers it with a multi-index OR plan.
            clauses.append(
                "(recipient_email = ? OR recipient_phone = ? OR recipient_whatsapp = ? OR recipient_external_id = ?)")
            arguments += [recipient, recipient, recipient, recipient]
        }
        if let since = query.since {
            clauses.append("created_at >= ?")
            arguments += [StoreTime.millis(since) as Int64]
        }
        if let state = query.state {
            clauses.append("EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = messages.id AND d.state = ?)")
            arguments += [state.rawValue]
        }
        if let before = query.before {
            clauses.append("id < ?")
            arguments += [before]
        }
        let whereSQL = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        arguments += [query.limit]
        let sql = "SELECT \(SQLiteRows.messageColumns) FROM messages \(whereSQL) ORDER BY id DESC LIMIT ?"
        let bound = arguments
        return try await pool.read { db in
            try Row.fetchAll(db.cachedStatement(sql: sql), arguments: bound).map(SQLiteRows.message)
        }
    }
}
