import AccoladeCore
import Foundation
import Logging
import PostgresNIO

extension PostgresStore {
    /// Claims due deliveries in one statement: the oldest due rows are locked with
    /// `FOR UPDATE SKIP LOCKED` (rows another claimer is taking are passed over, never waited
    /// for) and marked `running` in the same statement; their messages follow in one query.
    ///
    /// The CTE is `MATERIALIZED` so the locking `LIMIT` subquery runs exactly once.
    public func claim(owner: String, limit: Int, now: Date, lease: TimeInterval) async throws -> [ClaimedDelivery] {
        guard limit > 0 else { return [] }
        let nowMillis = StoreTime.millis(now)
        let expires = StoreTime.millis(now.addingTimeInterval(lease))
        let claimSQL: PostgresQuery = """
            WITH due AS MATERIALIZED (
                SELECT id FROM deliveries
                WHERE state IN ('available', 'scheduled', 'retryable') AND next_attempt_at <= \(nowMillis)
                ORDER BY next_attempt_at, id LIMIT \(limit)
                FOR UPDATE SKIP LOCKED)
            UPDATE deliveries d
            SET state = 'running', lease_owner = \(owner), lease_expires_at = \(expires), updated_at = \(nowMillis)
            FROM due WHERE d.id = due.id
            RETURNING \(unescaped: PostgresRows.qualifiedDeliveryColumns)
            """
        var deliveries = try await rows("claim deliveries", claimSQL).map(PostgresRows.delivery)
        guard !deliveries.isEmpty else { return [] }
        // RETURNING gives rows in no promised order; the contract is oldest due first.
        deliveries.sort { ($0.nextAttemptAt ?? .distantPast, $0.id) < ($1.nextAttemptAt ?? .distantPast, $1.id) }
        // Messages are immutable once stored, so reading them after the claim committed is safe.
        let messageIDs = Array(Set(deliveries.map(\.messageID)))
        var messages: [String: Message] = [:]
        for row in try await rows(
            "read claimed messages",
            "SELECT \(unescaped: PostgresRows.messageColumns) FROM messages WHERE id = ANY(\(messageIDs))")
        {
            let message = try PostgresRows.message(row)
            messages[message.id] = message
        }
        let claimed = try deliveries.map { delivery in
            guard let message = messages[delivery.messageID] else {
                throw PostgresStoreError.unreadableRow(
                    table: "deliveries", id: delivery.id, column: "message_id", reason: "its message is missing")
            }
            return ClaimedDelivery(delivery: delivery, message: message)
        }
        logger.debug("claimed deliveries", metadata: ["worker.owner": "\(owner)", "store.count": "\(claimed.count)"])
        return claimed
    }

    /// Writes the batch in one transaction; each row changes only under the caller's lease.
    ///
    /// One `UPDATE … FROM json_to_recordset` applies every update whose delivery is still
    /// `running` under its `leaseOwner` and returns which did; only those get their attempt row
    /// and follow-up. An update whose lease was lost is ignored whole and logged at `warning`.
    /// Repeats of one (delivery, owner) pair in a batch are dropped up front: the first decides,
    /// exactly as if the batch were applied one update at a time.
    @discardableResult
    public func complete(_ updates: [DeliveryUpdate]) async throws -> Int {
        guard !updates.isEmpty else { return 0 }
        var seen = Set<[String]>()
        let candidates = updates.enumerated().filter { seen.insert([$0.element.deliveryID, $0.element.leaseOwner]).inserted }
        let records = try PostgresRows.records(
            candidates.map { i, u in
                [
                    "ord": .int(Int64(i)), "id": .string(u.deliveryID), "lease_owner": .string(u.leaseOwner),
                    "state": .string(u.state.rawValue), "attempts": .int(Int64(u.attempts)),
                    "next_attempt_at": PostgresRows.millis(u.nextAttemptAt), "provider": PostgresRows.text(u.provider),
                    "provider_message_id": PostgresRows.text(u.providerMessageID),
                    "last_error": PostgresRows.text(u.lastError), "updated_at": PostgresRows.millis(u.now),
                ]
            }, field: "delivery updates")
        let ids = Array(Set(updates.map(\.deliveryID)))
        // `d.id = ANY(ids)` lets the planner fetch the few target rows by primary key instead of
        // joining the whole table with a function it cannot estimate.
        let updateSQL: PostgresQuery = """
            UPDATE deliveries d
            SET state = u.state, attempts = u.attempts, next_attempt_at = u.next_attempt_at, lease_owner = NULL,
                lease_expires_at = NULL, provider = COALESCE(u.provider, d.provider),
                provider_message_id = COALESCE(u.provider_message_id, d.provider_message_id),
                last_error = u.last_error, updated_at = u.updated_at
            FROM json_to_recordset(\(records)::json) AS u(
                ord int, id text, lease_owner text, state text, attempts int, next_attempt_at bigint, provider text,
                provider_message_id text, last_error text, updated_at bigint)
            WHERE d.id = ANY(\(ids)) AND d.id = u.id AND d.state = 'running' AND d.lease_owner = u.lease_owner
            RETURNING u.ord
            """
        let applied = try await transaction("complete deliveries") { db -> Set<Int> in
            var applied = Set<Int>()
            for try await ord in try await db.query(updateSQL, logger: self.queryLogger).decode(Int.self) {
                applied.insert(ord)
            }
            let done = updates.indices.filter { applied.contains($0) }
            let attempts = done.compactMap { updates[$0].attempt }
            try await Self.insertAttempts(attempts, db: db, logger: self.queryLogger)
            var woke = false
            for i in done {
                if let followUp = updates[i].followUp {
                    woke = try await Self.apply(followUp, db: db, now: updates[i].now, logger: self.queryLogger) || woke
                }
            }
            if woke { try await Self.notify(db, logger: self.queryLogger) }
            return applied
        }
        for (i, u) in updates.enumerated() where !applied.contains(i) {
            logger.warning(
                "ignored an outcome reported after the lease was lost",
                metadata: [
                    "delivery.id": "\(u.deliveryID)", "worker.owner": "\(u.leaseOwner)",
                    "delivery.state": "\(u.state.rawValue)",
                ])
        }
        return applied.count
    }

    /// Appends attempts in the given order, in one statement.
    static func insertAttempts(_ attempts: [Attempt], db: PostgresConnection, logger: Logger) async throws {
        guard !attempts.isEmpty else { return }
        let records = try PostgresRows.records(
            attempts.enumerated().map { PostgresRows.record($1, ord: $0) }, field: "attempts")
        try await db.query(
            """
            INSERT INTO attempts (\(unescaped: PostgresRows.attemptColumns))
            SELECT \(unescaped: PostgresRows.attemptColumns)
            FROM json_to_recordset(\(records)::json) AS a(\(unescaped: PostgresRows.attemptRecordType))
            ORDER BY ord
            """, logger: logger)
    }

    /// Applies a route follow-up inside the caller's transaction; returns whether a delivery
    /// became claimable (worth a wake-up).
    static func apply(_ followUp: RouteFollowUp, db: PostgresConnection, now: Date, logger: Logger) async throws -> Bool {
        let nowMillis = StoreTime.millis(now)
        switch followUp {
        case .activateNext(let messageID, let afterPosition, let at):
            let rows = try await db.query(
                """
                UPDATE deliveries SET state = 'available', next_attempt_at = \(StoreTime.millis(at)), updated_at = \(nowMillis)
                WHERE id = (
                    SELECT id FROM deliveries
                    WHERE message_id = \(messageID) AND position > \(afterPosition) AND state = 'pending'
                    ORDER BY position LIMIT 1)
                RETURNING id
                """, logger: logger
            ).collect()
            return !rows.isEmpty
        case .skipPending(let messageID, let reason):
            try await db.query(
                """
                UPDATE deliveries SET state = 'skipped', next_attempt_at = NULL, last_error = \(reason),
                    updated_at = \(nowMillis)
                WHERE message_id = \(messageID) AND state = 'pending'
                """, logger: logger)
            return false
        }
    }
}
