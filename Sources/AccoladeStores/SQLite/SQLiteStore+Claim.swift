import AccoladeCore
import Foundation
import GRDB
import Logging

extension SQLiteStore {
    /// Claims due deliveries in one `UPDATE … WHERE id IN (SELECT … LIMIT n) RETURNING` statement.
    ///
    /// The write lock is held for the whole statement, so two claimers (tasks, pools or
    /// processes) can never select the same row: the second sees the first's `running` rows.
    public func claim(owner: String, limit: Int, now: Date, lease: TimeInterval, channels: Set<ChannelKind>?) async throws
        -> [ClaimedDelivery]
    {
        guard limit > 0 else { return [] }
        // A filter naming every channel filters nothing: keep the plain statement.
        let only = channels.flatMap { $0.isSuperset(of: ChannelKind.allCases) ? nil : $0 }
        if let only, only.isEmpty { return [] }
        let nowMillis = StoreTime.millis(now)
        let expires = StoreTime.millis(now.addingTimeInterval(lease))
        let claimed = try await writeFolding { db -> [ClaimedDelivery] in
            var deliveries: [Delivery]
            if let only {
                let kinds = try Self.jsonArray(only.map(\.rawValue).sorted())
                deliveries = try Row.fetchAll(
                    db.cachedStatement(sql: Self.claimSQL(filtered: true)),
                    arguments: [owner, expires, nowMillis, nowMillis, limit, kinds]
                ).map(SQLiteRows.delivery)
            } else {
                deliveries = try Row.fetchAll(
                    db.cachedStatement(sql: Self.claimSQL(filtered: false)), arguments: [owner, expires, nowMillis, nowMillis, limit]
                ).map(SQLiteRows.delivery)
            }
            guard !deliveries.isEmpty else { return [] }
            // RETURNING gives rows in no promised order; the contract is oldest due first.
            deliveries.sort { ($0.nextAttemptAt ?? .distantPast, $0.id) < ($1.nextAttemptAt ?? .distantPast, $1.id) }
            let messages = try Self.fetchMessages(db, ids: Array(Set(deliveries.map(\.messageID))))
            let claimed = try deliveries.map { delivery in
                guard let message = messages[delivery.messageID] else {
                    throw SQLiteStoreError.unreadableRow(
                        table: "deliveries", id: delivery.id, column: "message_id", reason: "its message is missing")
                }
                return ClaimedDelivery(delivery: delivery, message: message)
            }
            return try Self.withRecipientChecks(claimed, db: db)
        }
        if !claimed.isEmpty {
            logger.debug("claimed deliveries", metadata: ["worker.owner": "\(owner)", "store.count": "\(claimed.count)"])
        }
        return claimed
    }

    /// Marks up to `?5` deliveries due by `?4` (of the channels in the JSON array `?6` when
    /// `filtered`) as running under owner `?1` until `?2` at `?3`.
    ///
    /// `INDEXED BY deliveries_due` pins the partial index of claimable rows, already ordered by
    /// due time, so the statement reads `limit` index entries however many rows are due (a channel
    /// filter reads past the rows of other channels). Left to itself the planner picks
    /// `deliveries_state_updated` and sorts every due row, so a claim costs in proportion to the
    /// backlog, not the batch. SQLite fails the statement rather than ignore the hint, and the hint is usable
    /// only because the state list is spelled exactly as in the index.
    static func claimSQL(filtered: Bool) -> String {
        """
        UPDATE deliveries SET state = 'running', lease_owner = ?1, lease_expires_at = ?2, updated_at = ?3
        WHERE id IN (
            SELECT id FROM deliveries INDEXED BY deliveries_due
            WHERE state IN (\(DeliveryTransition.sqlList(DeliveryTransition.claim.sources))) AND next_attempt_at <= ?4
            \(filtered ? "AND channel IN (SELECT value FROM json_each(?6))" : "")
            ORDER BY next_attempt_at LIMIT ?5)
        RETURNING \(SQLiteRows.deliveryColumns)
        """
    }

    /// Writes the batch in one transaction; each row changes only under the caller's lease.
    ///
    /// An update whose lease was lost (rescued and possibly re-claimed by another worker) is
    /// ignored whole: no state change, no attempt row, no follow-up, so a slow worker can never
    /// overwrite the newer owner's outcome. It is logged at `warning` with the delivery id.
    @discardableResult
    public func complete(_ updates: [DeliveryUpdate]) async throws -> Int {
        guard !updates.isEmpty else { return 0 }
        let logger = self.logger
        let (stale, revived) = try await writeFolding { db -> ([DeliveryUpdate], Bool) in
            let stale = try Self.apply(updates, db: db)
            let lost = Set(stale.map { [$0.deliveryID, $0.leaseOwner] })
            let written = updates.filter { $0.state.isFinal && !lost.contains([$0.deliveryID, $0.leaseOwner]) }
                .map { (deliveryID: $0.deliveryID, providerMessageID: $0.providerMessageID) }
            // Receipts that arrived before these outcomes: applied now, in the same transaction.
            guard !written.isEmpty, try Self.hasUnmatchedReceipts(db) else { return (stale, false) }
            let held = try Self.applyHeldReceipts(for: written, db: db, logger: logger)
            return (stale, held.contains(.applied(.failed)))
        }
        // A fallback activation (or a held failure reviving one) made a delivery due; retries come
        // due by time and are polled.
        if revived || updates.contains(where: { if case .activateNext? = $0.followUp { true } else { false } }) { signals.signal() }
        for u in stale {
            logger.warning(
                "ignored an outcome reported after the lease was lost",
                metadata: [
                    "delivery.id": "\(u.deliveryID)", "worker.owner": "\(u.leaseOwner)",
                    "delivery.state": "\(u.state.rawValue)",
                ])
        }
        return updates.count - stale.count
    }

    /// Applies updates of `running` deliveries inside the caller's transaction (outcomes and
    /// rescues alike), each only while its delivery is still `running` under `update.leaseOwner`,
    /// with its attempt, its inbox item (`sent` only) and its follow-up; returns the updates that
    /// no longer applied.
    static func apply(_ updates: [DeliveryUpdate], db: Database) throws -> [DeliveryUpdate] {
        let update = try db.cachedStatement(
            sql: """
                UPDATE deliveries
                SET state = ?, attempts = ?, next_attempt_at = ?, lease_owner = NULL, lease_expires_at = NULL,
                    provider = COALESCE(?, provider), provider_message_id = COALESCE(?, provider_message_id),
                    last_error = ?, updated_at = ?, cost_micros = COALESCE(?, cost_micros), cost_currency = COALESCE(?, cost_currency)
                WHERE id = ? AND state IN (\(DeliveryTransition.sqlList(DeliveryTransition.complete.sources))) AND lease_owner = ?
                """)
        let insertAttempt = try db.cachedStatement(
            sql: "INSERT INTO attempts (\(SQLiteRows.attemptColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        var stale: [DeliveryUpdate] = []
        for u in updates {
            // The delivery's cost is its accepted attempt's; a later free-of-charge receipt zeroes it.
            let cost = u.state == .sent ? u.attempt?.cost : nil
            try update.execute(arguments: [
                u.state.rawValue, u.attempts, StoreTime.millis(u.nextAttemptAt), u.provider, u.providerMessageID,
                u.lastError, StoreTime.millis(u.now), cost?.micros, cost?.currency, u.deliveryID, u.leaseOwner,
            ])
            guard db.changesCount == 1 else {
                stale.append(u)
                continue
            }
            if let attempt = u.attempt { try insertAttempt.execute(arguments: SQLiteRows.arguments(for: attempt)) }
            // The inbox item is the delivery's content: in the feed exactly when it is `sent`.
            if u.state == .sent, let item = u.inboxItem { _ = try insertInboxItems([item], db: db) }
            if let followUp = u.followUp { try apply(followUp, db: db, now: u.now) }
        }
        return stale
    }

    /// Applies a route follow-up inside the caller's transaction.
    static func apply(_ followUp: RouteFollowUp, db: Database, now: Date) throws {
        switch followUp {
        case .activateNext(let messageID, let afterPosition, let at):
            try db.cachedStatement(
                sql: """
                    UPDATE deliveries SET state = 'available', next_attempt_at = ?, updated_at = ?
                    WHERE id = (
                        SELECT id FROM deliveries
                        WHERE message_id = ? AND position > ? AND state IN (\(DeliveryTransition.sqlList(DeliveryTransition.activate.sources)))
                        ORDER BY position LIMIT 1)
                    """
            ).execute(arguments: [StoreTime.millis(at), StoreTime.millis(now), messageID, afterPosition])
        case .reviveSkipped(let messageID, let afterPosition, let at):
            try db.cachedStatement(
                sql: """
                    UPDATE deliveries SET state = 'pending', last_error = NULL, skip_cause = NULL, updated_at = ?
                    WHERE message_id = ? AND position > ? AND state IN (\(DeliveryTransition.sqlList(DeliveryTransition.revive.sources)))
                        AND skip_cause = '\(SkipCause.fallbackSent.rawValue)'
                    """
            ).execute(arguments: [StoreTime.millis(now), messageID, afterPosition])
            try apply(.activateNext(messageID: messageID, afterPosition: afterPosition, at: at), db: db, now: now)
        case .skipPending(let messageID, let reason, let cause):
            try db.cachedStatement(
                sql: """
                    UPDATE deliveries SET state = 'skipped', next_attempt_at = NULL, last_error = ?, skip_cause = ?, updated_at = ?
                    WHERE message_id = ? AND +state IN (\(DeliveryTransition.sqlList(DeliveryTransition.skipPending.sources)))
                    """  // `+state`: by message, not by scanning every pending row
            ).execute(arguments: [reason, cause.rawValue, StoreTime.millis(now), messageID])
        }
    }
}
