import AccoladeCore
import Foundation
import Logging
import PostgresNIO

extension PostgresStore {
    /// Claims due deliveries and reads their messages in one statement (inside an explicit
    /// transaction: see ``write(_:_:)``).
    ///
    /// The oldest due rows are locked with `FOR UPDATE SKIP LOCKED` (rows another claimer is
    /// taking are passed over, never waited for), marked `running`, and joined with their
    /// messages (immutable once stored). The `MATERIALIZED` CTE runs the locking `LIMIT` exactly
    /// once; `id = ANY(ARRAY(…))` makes the update fetch those rows by primary key whatever the
    /// table's statistics say (a join with the CTE hash-joined the whole table).
    public func claim(owner: String, limit: Int, now: Date, lease: TimeInterval, channels: Set<ChannelKind>?) async throws
        -> [ClaimedDelivery]
    {
        guard limit > 0 else { return [] }
        // A filter naming every channel filters nothing: keep the plain statement.
        let only = channels.flatMap { $0.isSuperset(of: ChannelKind.allCases) ? nil : $0.map(\.rawValue).sorted() }
        if let only, only.isEmpty { return [] }
        let nowMillis = StoreTime.millis(now)
        let leaseMillis = Int64((lease * 1000).rounded())
        // Every channel when unfiltered: one statement shape, and the filter costs nothing next to the lock.
        let kinds = only ?? ChannelKind.allCases.map(\.rawValue)
        let claimSQL: PostgresQuery = """
            WITH due AS MATERIALIZED (
                SELECT id FROM deliveries
                WHERE state IN (\(unescaped: DeliveryTransition.sqlList(DeliveryTransition.claim.sources)))
                    AND next_attempt_at <= \(nowMillis) AND channel = ANY(\(kinds))
                ORDER BY next_attempt_at, id LIMIT \(limit)
                FOR UPDATE SKIP LOCKED),
            claimed AS (
                UPDATE deliveries d
                SET state = 'running', lease_owner = \(owner),
                    lease_expires_at = \(unescaped: leaseClockSQL(now)) + \(leaseMillis), updated_at = \(nowMillis)
                WHERE d.id = ANY(ARRAY(SELECT id FROM due))
                RETURNING \(unescaped: PostgresRows.qualifiedDeliveryColumns))
            SELECT claimed.*, \(unescaped: Self.qualifiedMessageColumns)
            FROM claimed JOIN messages m ON m.id = claimed.message_id
            ORDER BY claimed.next_attempt_at, claimed.id
            """
        let rows = try await write("claim deliveries", claimSQL)
        guard !rows.isEmpty else { return [] }
        // A message with several channels due arrives once per delivery; decode its data once.
        var messages: [String: Message] = [:]
        let claimed = try rows.map { row in
            let columns = row.makeRandomAccess()
            let delivery = try PostgresRows.delivery(columns, from: 0)
            if let message = messages[delivery.messageID] { return ClaimedDelivery(delivery: delivery, message: message) }
            let message = try PostgresRows.message(columns, from: Self.deliveryColumnCount)
            messages[message.id] = message
            return ClaimedDelivery(delivery: delivery, message: message)
        }
        logger.debug("claimed deliveries", metadata: ["worker.owner": "\(owner)", "store.count": "\(claimed.count)"])
        return try await withRecipientChecks(claimed)
    }

    /// How many columns ``PostgresRows/deliveryColumns`` names (where the message columns start in a claim row).
    static let deliveryColumnCount = PostgresRows.deliveryColumns.split(separator: ",").count
    /// ``PostgresRows/messageColumns`` prefixed with `m.`.
    static let qualifiedMessageColumns = PostgresRows.messageColumns.split(separator: ",")
        .map { "m." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", ")

    /// Writes the batch atomically; each row changes only under the caller's lease.
    ///
    /// One `UPDATE … FROM json_to_recordset` applies every update whose delivery is still
    /// `running` under its `leaseOwner` and returns which did; only those get their attempt row
    /// and follow-up. An update whose lease was lost is ignored whole and logged at `warning`.
    /// Repeats of one (delivery, owner) pair in a batch are dropped up front: the first decides,
    /// exactly as if the batch were applied one update at a time.
    ///
    /// Without follow-ups or inbox items (every `all` route, and most fallback outcomes) the update and the
    /// attempt rows go in one statement with data-modifying CTEs, committed explicitly (see
    /// ``write(_:_:)``: an autocommit statement's results can arrive before a restart rolls it back).
    ///
    /// Receipts held for these outcomes (they arrived first) are applied in the same transaction.
    /// The one-statement path checks for them first, in the statement itself: when any is held
    /// it changes nothing and the batch takes the transactional path, which applies them.
    @discardableResult
    public func complete(_ updates: [DeliveryUpdate]) async throws -> Int {
        guard !updates.isEmpty else { return 0 }
        let (records, candidates) = try Self.outcomeRecords(updates)
        let ids = Array(Set(updates.map(\.deliveryID)))
        // The outcomes that may have receipts held for them.
        let written = candidates.map(\.1).filter(\.state.isFinal)
        var applied: Set<Int>?
        // Inbox items take their feed's sequence under the feed row's lock: the transactional path.
        if updates.allSatisfy({ $0.followUp == nil && $0.inboxItem == nil }) {
            let attempts = try PostgresRows.records(
                candidates.compactMap { i, u in u.attempt.map { PostgresRows.record($0, ord: i) } }, field: "attempts")
            applied = try await completeInOneStatement(
                Self.outcomeUpdate(records: records, ids: ids, guardClause: " AND NOT EXISTS (SELECT 1 FROM held)"),
                attempts: attempts, heldFor: written.map(\.deliveryID), providerIDs: written.compactMap(\.providerMessageID))
        }
        if applied == nil {
            let update = Self.outcomeUpdate(records: records, ids: ids)
            applied = try await transaction("complete deliveries") { db in
                try await Self.apply(updates, updateSQL: update, db: db, logger: self.queryLogger, log: self.logger)
            }
        }
        let done = applied ?? []
        for (i, u) in updates.enumerated() where !done.contains(i) {
            logger.warning(
                "ignored an outcome reported after the lease was lost",
                metadata: [
                    "delivery.id": "\(u.deliveryID)", "worker.owner": "\(u.leaseOwner)",
                    "delivery.state": "\(u.state.rawValue)",
                ])
        }
        return done.count
    }

    /// The JSON records of updates for ``outcomeUpdate(records:ids:guardClause:)``, one per
    /// (delivery, owner) pair (the first wins), with `ord` their index in `updates`.
    static func outcomeRecords(_ updates: [DeliveryUpdate]) throws -> (records: String, candidates: [(Int, DeliveryUpdate)]) {
        var seen = Set<[String]>()
        let candidates = updates.enumerated().filter { seen.insert([$0.element.deliveryID, $0.element.leaseOwner]).inserted }
            .map { ($0.offset, $0.element) }
        let records = try PostgresRows.records(
            candidates.map { i, u in
                [
                    "ord": .int(Int64(i)), "id": .string(u.deliveryID), "lease_owner": .string(u.leaseOwner),
                    "state": .string(u.state.rawValue), "attempts": .int(Int64(u.attempts)),
                    "next_attempt_at": PostgresRows.millis(u.nextAttemptAt), "provider": PostgresRows.text(u.provider),
                    "provider_message_id": PostgresRows.text(u.providerMessageID),
                    "last_error": PostgresRows.text(u.lastError), "updated_at": PostgresRows.millis(u.now),
                    // The delivery's cost is its accepted attempt's; a free-of-charge receipt zeroes it.
                    "cost_micros": PostgresRows.micros(u.state == .sent ? u.attempt?.cost : nil),
                    "cost_currency": PostgresRows.text(u.state == .sent ? u.attempt?.cost?.currency : nil),
                ]
            }, field: "delivery updates")
        return (records, candidates)
    }

    /// One `UPDATE … FROM json_to_recordset` applying every update whose delivery is still
    /// `running` under its `lease_owner`, returning the `ord` of those that applied.
    ///
    /// `d.id = ANY(ids)` lets the planner fetch the few target rows by primary key instead of
    /// joining the whole table with a function it cannot estimate. `guardClause` lets the
    /// one-statement path add its held-receipt guard.
    static func outcomeUpdate(records: String, ids: [String], guardClause: String = "") -> PostgresQuery {
        """
        UPDATE deliveries d
        SET state = u.state, attempts = u.attempts, next_attempt_at = u.next_attempt_at, lease_owner = NULL,
            lease_expires_at = NULL, provider = COALESCE(u.provider, d.provider),
            provider_message_id = COALESCE(u.provider_message_id, d.provider_message_id),
            last_error = u.last_error, updated_at = u.updated_at,
            cost_micros = COALESCE(u.cost_micros, d.cost_micros), cost_currency = COALESCE(u.cost_currency, d.cost_currency)
        FROM json_to_recordset(\(records)::json) AS u(
            ord int, id text, lease_owner text, state text, attempts int, next_attempt_at bigint, provider text,
            provider_message_id text, last_error text, updated_at bigint, cost_micros bigint, cost_currency text)
        WHERE d.id = ANY(\(ids)) AND d.id = u.id
            AND d.state IN (\(unescaped: DeliveryTransition.sqlList(DeliveryTransition.complete.sources)))
            AND d.lease_owner = u.lease_owner\(unescaped: guardClause)
        RETURNING u.ord
        """
    }

    /// The update plus the attempts of the rows it changed, as one statement; returns the applied
    /// `ord`s, or nil — having changed nothing — when receipts are held for any of `heldFor`
    /// (delivery ids) or `providerIDs`. `updateSQL` must carry the guard on the `held` CTE.
    ///
    /// The held check is a `MATERIALIZED` CTE read once that guards the `UPDATE`, so the common
    /// case stays one statement. It probes the held table's indexes once per id from `unnest`:
    /// written as `col = ANY(ids) LIMIT 1`, the planner expects an early match and scans the
    /// whole table instead.
    private func completeInOneStatement(
        _ updateSQL: PostgresQuery, attempts: String, heldFor ids: [String], providerIDs: [String]
    ) async throws -> Set<Int>? {
        // Splice the update into a CTE; its binds come first, then the attempts' JSON and the held look-up's ids.
        var binds = updateSQL.binds
        binds.append(attempts)
        let attemptsBind = binds.count
        binds.append(ids)
        binds.append(providerIDs)
        let sql = """
            WITH held AS MATERIALIZED (
                SELECT 1 FROM unnest($\(attemptsBind + 1)::text[]) AS x(id)
                WHERE EXISTS (SELECT 1 FROM unmatched_receipts h WHERE h.delivery_id = x.id)
                UNION ALL
                SELECT 1 FROM unnest($\(attemptsBind + 2)::text[]) AS x(id)
                WHERE EXISTS (SELECT 1 FROM unmatched_receipts h WHERE h.provider_message_id = x.id)
                LIMIT 1),
            updated AS (\(updateSQL.sql)),
            logged AS (
                INSERT INTO attempts (\(PostgresRows.attemptColumns))
                SELECT \(PostgresRows.attemptColumns)
                FROM json_to_recordset($\(attemptsBind)::json) AS a(\(PostgresRows.attemptRecordType))
                WHERE a.ord IN (SELECT ord FROM updated)
                ORDER BY a.ord
                RETURNING 1)
            SELECT ord FROM updated UNION ALL SELECT -1 FROM held
            """
        let ords = try await write("complete deliveries", PostgresQuery(unsafeSQL: sql, binds: binds)).map { try $0.decode(Int.self) }
        return ords.contains(-1) ? nil : Set(ords)
    }

    /// Applies `updateSQL` (built from `updates`) with the attempts, inbox items (`sent` only) and
    /// follow-ups of the rows it changed and the receipts held for them, inside the caller's
    /// transaction: outcomes with fallback follow-ups, inbox items or held receipts, and rescues. Returns the indexes in `updates` that applied.
    static func apply(
        _ updates: [DeliveryUpdate], updateSQL: PostgresQuery, db: PostgresConnection, logger: Logger, log: Logger
    ) async throws -> Set<Int> {
        var applied = Set<Int>()
        for try await ord in try await db.query(updateSQL, logger: logger).decode(Int.self) {
            applied.insert(ord)
        }
        let done = updates.indices.filter { applied.contains($0) }
        try await insertAttempts(done.compactMap { updates[$0].attempt }, db: db, logger: logger)
        // The inbox item is the delivery's content: in the feed exactly when it is `sent`.
        _ = try await insertInboxItems(
            done.compactMap { updates[$0].state == .sent ? updates[$0].inboxItem : nil }, db: db, logger: logger)
        var woke = false
        for i in done {
            if let followUp = updates[i].followUp {
                woke = try await apply(followUp, db: db, now: updates[i].now, logger: logger) || woke
            }
        }
        if woke { try await notify(db, logger: logger) }
        // After the follow-ups, so a held failure revives what a `sent` outcome just skipped.
        let written = done.map { updates[$0] }.filter(\.state.isFinal)
            .map { (deliveryID: $0.deliveryID, providerMessageID: $0.providerMessageID) }
        _ = try await applyHeldReceipts(for: written, db: db, logger: logger, log: log)
        return applied
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
                    WHERE message_id = \(messageID) AND position > \(afterPosition)
                        AND state IN (\(unescaped: DeliveryTransition.sqlList(DeliveryTransition.activate.sources)))
                    ORDER BY position LIMIT 1)
                RETURNING id
                """, logger: logger
            ).collect()
            return !rows.isEmpty
        case .reviveSkipped(let messageID, let afterPosition, let at):
            try await db.query(
                """
                UPDATE deliveries SET state = 'pending', last_error = NULL, skip_cause = NULL, updated_at = \(nowMillis)
                WHERE message_id = \(messageID) AND position > \(afterPosition)
                    AND state IN (\(unescaped: DeliveryTransition.sqlList(DeliveryTransition.revive.sources)))
                    AND skip_cause = \(SkipCause.fallbackSent.rawValue)
                """, logger: logger)
            return try await apply(
                .activateNext(messageID: messageID, afterPosition: afterPosition, at: at), db: db, now: now, logger: logger)
        case .skipPending(let messageID, let reason, let cause):
            try await db.query(
                """
                UPDATE deliveries SET state = 'skipped', next_attempt_at = NULL, last_error = \(reason),
                    skip_cause = \(cause.rawValue), updated_at = \(nowMillis)
                WHERE message_id = \(messageID)
                    AND state IN (\(unescaped: DeliveryTransition.sqlList(DeliveryTransition.skipPending.sources)))
                """, logger: logger)
            return false
        }
    }
}
