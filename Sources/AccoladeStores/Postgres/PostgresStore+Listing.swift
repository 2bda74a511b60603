import AccoladeCore
import Foundation
import PostgresNIO

extension PostgresStore {
    /// Provider status events of the message's deliveries, oldest first.
    public func receipts(messageID: String) async throws -> [Receipt] {
        try await rows(
            "read receipts",
            """
            SELECT r.delivery_id, r.status, r.provider, r.provider_event_id, r.occurred_at, r.received_at, r.detail,
                   r.part_index, r.part_count
            FROM receipts r JOIN deliveries d ON d.id = r.delivery_id
            WHERE d.message_id = \(messageID)
            ORDER BY r.received_at, r.id
            """
        ).map { row in
            let c = row.makeRandomAccess()
            return Receipt(
                deliveryID: try c[0].decode(String.self), status: try c[1].decode(String.self),
                provider: try c[2].decode(String?.self), providerEventID: try c[3].decode(String?.self),
                occurredAt: StoreTime.date(try c[4].decode(Int64?.self)),
                receivedAt: StoreTime.date(try c[5].decode(Int64.self)), detail: try c[6].decode(String?.self),
                part: try c[7].decode(Int?.self).flatMap { index in try c[8].decode(Int?.self).flatMap { ReceiptReport.Part(index: index, count: $0) } })
        }
    }

    /// Messages matching `query`, newest first (id order is acceptance order: ids are UUIDv7).
    ///
    /// Absent filters are bound as NULL and short-circuit, so one statement (one cached plan
    /// shape) serves every combination.
    public func messages(matching query: MessageQuery) async throws -> [Message] {
        guard query.limit > 0 else { return [] }
        let recipient = query.recipient
        let since = StoreTime.millis(query.since)
        let state = query.state?.rawValue
        let before = query.before
        return try await rows(
            "list messages",
            """
            SELECT \(unescaped: PostgresRows.messageColumns) FROM messages
            WHERE (\(recipient)::text IS NULL OR recipient_email = \(recipient) OR recipient_phone = \(recipient)
                   OR recipient_whatsapp = \(recipient) OR recipient_external_id = \(recipient))
              AND (\(since)::bigint IS NULL OR created_at >= \(since))
              AND (\(state)::text IS NULL OR EXISTS (
                    SELECT 1 FROM deliveries d WHERE d.message_id = messages.id AND d.state = \(state)))
              AND (\(before)::text IS NULL OR id < \(before))
            ORDER BY id DESC LIMIT \(query.limit)
            """
        ).map(PostgresRows.message)
    }
}
