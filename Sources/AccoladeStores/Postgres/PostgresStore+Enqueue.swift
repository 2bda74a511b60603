import AccoladeCore
import Logging
import PostgresNIO

extension PostgresStore {
    /// Stores the batch in one transaction; idempotency keys are enforced by the unique index.
    ///
    /// All messages go in with one `INSERT … ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`.
    /// A message whose id is not returned lost its key to an earlier call, another node, or an
    /// earlier request of this batch (first wins), and the stored message decides replay or
    /// conflict. A racing node's insert of the same key makes ours wait until it commits, so the
    /// read that follows always finds the winner. Rows go in ordered by key so two batches
    /// sharing keys lock them in the same order and cannot deadlock.
    public func enqueue(_ requests: [EnqueueRequest]) async throws -> [EnqueueResult] {
        guard !requests.isEmpty else { return [] }
        // Encode before taking a connection: JSON encoding is the only real CPU work here.
        let messages = try PostgresRows.records(
            try requests.enumerated().map { i, r throws(PostgresStoreError) in try PostgresRows.record(r.message, ord: i) },
            field: "messages")
        let insertMessages: PostgresQuery = """
            INSERT INTO messages (\(unescaped: PostgresRows.messageColumns))
            SELECT \(unescaped: PostgresRows.messageColumns)
            FROM json_to_recordset(\(messages)::json) AS r(\(unescaped: PostgresRows.messageRecordType))
            ORDER BY idempotency_key, ord
            ON CONFLICT (idempotency_key) DO NOTHING
            RETURNING id
            """
        let results = try await transaction("store messages") { db -> [EnqueueResult] in
            var inserted = Set<String>()
            for try await id in try await db.query(insertMessages, logger: self.queryLogger).decode(String.self) {
                inserted.insert(id)
            }
            let created = requests.filter { inserted.contains($0.message.id) }
            let deliveryRecords = created.flatMap { $0.deliveries.map(PostgresRows.record) }
            if !deliveryRecords.isEmpty {
                let deliveries = try PostgresRows.records(deliveryRecords, field: "deliveries")
                try await db.query(
                    """
                    INSERT INTO deliveries (\(unescaped: PostgresRows.deliveryColumns))
                    SELECT \(unescaped: PostgresRows.deliveryColumns)
                    FROM json_to_recordset(\(deliveries)::json) AS r(\(unescaped: PostgresRows.deliveryRecordType))
                    """, logger: self.queryLogger)
                try await Self.notify(db, logger: self.queryLogger)
            }
            let takenKeys = requests.filter { !inserted.contains($0.message.id) }.compactMap(\.message.idempotencyKey)
            let existing = try await Self.fetchMessages(db, idempotencyKeys: takenKeys, logger: self.queryLogger)
            let existingDeliveries = try await Self.fetchDeliveries(
                db, messageIDs: existing.values.map(\.id), logger: self.queryLogger)

            var results: [EnqueueResult] = []
            results.reserveCapacity(requests.count)
            for request in requests {
                if inserted.contains(request.message.id) {
                    results.append(.created(request.message.storeNormalized, request.deliveries.map(\.storeNormalized)))
                    continue
                }
                // Only the idempotency key can be the conflict: a clash on the primary key throws.
                guard let key = request.message.idempotencyKey, let found = existing[key] else {
                    throw PostgresStoreError.unstorableValue(
                        field: "message \(request.message.id)", reason: "the insert was ignored without a key clash")
                }
                if found.fingerprint == request.message.fingerprint {
                    results.append(.replayed(found, existingDeliveries[found.id] ?? []))
                } else {
                    results.append(.conflict(existingMessageID: found.id))
                }
            }
            return results
        }
        StoreLog.enqueued(logger, requests: requests.count, results: results)
        return results
    }
}
