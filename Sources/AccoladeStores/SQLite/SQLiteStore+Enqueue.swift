import AccoladeCore
import GRDB
import Logging

extension SQLiteStore {
    /// Stores the batch in one transaction; idempotency keys are enforced by the UNIQUE index.
    ///
    /// Each message is inserted with `ON CONFLICT(idempotency_key) DO NOTHING`: when the insert
    /// changes no row the key is taken, by an earlier call, another process, or an earlier request
    /// of this same batch (first wins), and the stored message decides replay or conflict. Because
    /// the transaction holds the database write lock from its first statement, no other writer can
    /// slip in between the insert and that read.
    public func enqueue(_ requests: [EnqueueRequest]) async throws -> [EnqueueResult] {
        guard !requests.isEmpty else { return [] }
        // Encode outside the write lock: JSON encoding is the only real CPU work here.
        let rows = try Self.enqueueRows(requests)
        let results = try await writeFolding { db in try Self.insertMessages(requests, rows: rows, db: db) }
        StoreLog.enqueued(logger, requests: requests.count, results: results)
        if results.contains(where: { if case .created = $0 { true } else { false } }) { signals.signal() }
        return results
    }

    /// A message row and its delivery rows, encoded for ``insertMessages(_:rows:db:)``.
    typealias EnqueueRow = (message: StatementArguments, deliveries: [StatementArguments])

    /// Encodes requests for ``insertMessages(_:rows:db:)`` (call it outside the write lock).
    static func enqueueRows(_ requests: [EnqueueRequest]) throws -> [EnqueueRow] {
        try requests.map { request in
            (message: try SQLiteRows.arguments(for: request.message), deliveries: request.deliveries.map(SQLiteRows.arguments(for:)))
        }
    }

    /// Inserts messages with their deliveries inside the caller's write transaction (see
    /// ``enqueue(_:)``); `rows` are ``enqueueRows(_:)`` of `requests`.
    static func insertMessages(_ requests: [EnqueueRequest], rows: [EnqueueRow], db: Database) throws -> [EnqueueResult] {
        let insertMessage = try db.cachedStatement(sql: insertMessageSQL)
        let insertDelivery = try db.cachedStatement(sql: insertDeliverySQL)
        var results: [EnqueueResult] = []
        results.reserveCapacity(requests.count)
        for (request, row) in zip(requests, rows) {
            try insertMessage.execute(arguments: row.message)
            if db.changesCount == 1 {
                for delivery in row.deliveries { try insertDelivery.execute(arguments: delivery) }
                results.append(.created(request.message.storeNormalized, request.deliveries.map(\.storeNormalized)))
                continue
            }
            // Only the idempotency key can be the conflict: a clash on the primary key throws.
            guard let key = request.message.idempotencyKey, let existing = try fetchMessage(db, idempotencyKey: key) else {
                throw SQLiteStoreError.unstorableValue(
                    field: "message \(request.message.id)", reason: "the insert was ignored without a key clash")
            }
            if existing.fingerprint == request.message.fingerprint {
                results.append(.replayed(existing, try fetchDeliveries(db, messageID: existing.id)))
            } else {
                results.append(.conflict(existingMessageID: existing.id))
            }
        }
        return results
    }

    private static let insertMessageSQL = """
        INSERT INTO messages (\(SQLiteRows.messageColumns)) VALUES (\(Array(repeating: "?", count: 26).joined(separator: ", ")))
        ON CONFLICT(idempotency_key) DO NOTHING
        """
    private static let insertDeliverySQL =
        "INSERT INTO deliveries (\(SQLiteRows.deliveryColumns)) VALUES (\(Array(repeating: "?", count: 15).joined(separator: ", ")))"
}
