import AccoladeCore
import Foundation
import Logging
import PostgresNIO

extension PostgresStore {
    /// Returns `owner`'s unfinished claims to `available`, keeping their due time so they stay
    /// first in line; no attempt is counted (the worker never started them, or is shutting down).
    @discardableResult
    public func release(owner: String, deliveryIDs: [String], now: Date) async throws -> Int {
        guard !deliveryIDs.isEmpty else { return 0 }
        let nowMillis = StoreTime.millis(now)
        let count = try await transaction("release deliveries") { db -> Int in
            let released = try await db.query(
                """
                UPDATE deliveries
                SET state = 'available', lease_owner = NULL, lease_expires_at = NULL,
                    next_attempt_at = COALESCE(next_attempt_at, \(nowMillis)), updated_at = \(nowMillis)
                WHERE id = ANY(\(deliveryIDs))
                    AND state IN (\(unescaped: DeliveryTransition.sqlList(DeliveryTransition.release.sources)))
                    AND lease_owner = \(owner)
                RETURNING id
                """, logger: self.queryLogger
            ).collect().count
            if released > 0 { try await Self.notify(db, logger: self.queryLogger) }
            return released
        }
        logger.debug("released deliveries", metadata: ["worker.owner": "\(owner)", "store.count": "\(count)"])
        return count
    }

    /// Extends `owner`'s leases on these deliveries to the lease clock (the server's, see
    /// ``LeaseClock``) plus `lease`, in one statement. `updated_at` stays the claim time.
    @discardableResult
    public func extendLeases(owner: String, deliveryIDs: [String], now: Date, lease: TimeInterval) async throws -> Int {
        guard !deliveryIDs.isEmpty else { return 0 }
        let leaseMillis = Int64((lease * 1000).rounded())
        return try await write(
            "extend leases",
            """
            UPDATE deliveries SET lease_expires_at = \(unescaped: leaseClockSQL(now)) + \(leaseMillis)
            WHERE id = ANY(\(deliveryIDs)) AND state = 'running' AND lease_owner = \(owner)
            RETURNING 1
            """
        ).count
    }

    /// Rescues every `running` delivery whose lease ran out by the lease clock (except those in
    /// `sparing`) and returns how many.
    ///
    /// Only one sweeper works at a time: the transaction first takes a transaction-scoped advisory
    /// lock with `pg_try_advisory_xact_lock`, and a worker that does not get it returns 0 at once
    /// (another is sweeping). Rows a late worker is completing right now are skipped (`SKIP
    /// LOCKED`): its outcome wins, and the next sweep sees whatever is left.
    /// ``DeliveryStateMachine/rescue(_:maxAttempts:now:)`` decides each row, applied like an
    /// outcome of the old owner (guarded by owner).
    ///
    /// Afterwards it refreshes the queue tables' planner statistics when they are stale
    /// (``refreshStatisticsIfStale()``).
    @discardableResult
    public func rescueExpiredLeases(now: Date, maxAttempts: Int, sparing: [String]) async throws -> Int {
        let rescued = try await transaction("rescue expired leases") { db -> [DeliveryUpdate] in
            let locked = try await db.query(
                "SELECT pg_try_advisory_xact_lock(\(PostgresSchema.LockKey.rescue))", logger: self.queryLogger
            ).collect().first?.decode(Bool.self) ?? false
            guard locked else { return [] }
            let expired = try await db.query(
                """
                SELECT d.id, d.message_id, d.position, d.attempts, d.lease_owner, d.lease_expires_at, d.updated_at,
                       m.route_mode
                FROM deliveries d JOIN messages m ON m.id = d.message_id
                WHERE d.state = 'running' AND d.lease_expires_at < \(unescaped: self.leaseClockSQL(now))
                    AND NOT (d.id = ANY(\(sparing)))
                ORDER BY d.lease_expires_at, d.id
                FOR UPDATE OF d SKIP LOCKED
                """, logger: self.queryLogger
            ).collect()
            guard !expired.isEmpty else { return [] }
            let decisions = try expired.map { row in
                let (id, messageID, position, attempts, owner, leaseExpires, updatedAt, mode) = try row.decode(
                    (String, String, Int, Int, String?, Int64?, Int64, String).self)
                return DeliveryStateMachine.rescue(
                    .init(
                        deliveryID: id, messageID: messageID, position: position, attempts: attempts, owner: owner ?? "",
                        leaseExpiresAt: StoreTime.date(leaseExpires ?? StoreTime.millis(now)), claimedAt: StoreTime.date(updatedAt),
                        mode: RouteMode(rawValue: mode) ?? .all),
                    maxAttempts: maxAttempts, now: now)
            }
            let (records, _) = try Self.outcomeRecords(decisions)
            let update = Self.outcomeUpdate(records: records, ids: decisions.map(\.deliveryID))
            let applied = try await Self.apply(decisions, updateSQL: update, db: db, logger: self.queryLogger, log: self.logger)
            // Rescued deliveries are claimable again: wake idle workers.
            if !applied.isEmpty { try await Self.notify(db, logger: self.queryLogger) }
            return decisions.indices.filter { applied.contains($0) }.map { decisions[$0] }
        }
        StoreLog.rescued(logger, rescued)
        // The sweeper is the store's periodic housekeeper; stale statistics only slow claims down,
        // so a failure here is logged and never fails the sweep.
        do {
            try await refreshStatisticsIfStale()
        } catch {
            logger.warning("could not refresh planner statistics", metadata: ["error": "\(error)"])
        }
        return rescued.count
    }

    /// Puts `failed` deliveries back to `available` at `now` with a fresh attempt budget and no
    /// last error (the attempt log keeps the history). Returns the ids requeued, sorted.
    public func requeueFailed(deliveryIDs: [String]?, now: Date) async throws -> [String] {
        let nowMillis = StoreTime.millis(now)
        if let deliveryIDs, deliveryIDs.isEmpty { return [] }
        let requeued = try await transaction("requeue failed deliveries") { db -> [String] in
            let set = """
                UPDATE deliveries
                SET state = 'available', attempts = 0, next_attempt_at = $1, lease_owner = NULL,
                    lease_expires_at = NULL, last_error = NULL, updated_at = $1
                WHERE state IN (\(DeliveryTransition.sqlList(DeliveryTransition.requeue.sources)))
                """
            var binds = PostgresBindings()
            binds.append(nowMillis)
            var sql = set
            if let deliveryIDs {
                binds.append(deliveryIDs)
                sql += " AND id = ANY($2)"
            }
            var ids: [String] = []
            for try await id in try await db.query(
                PostgresQuery(unsafeSQL: sql + " RETURNING id", binds: binds), logger: self.queryLogger
            ).decode(String.self) {
                ids.append(id)
            }
            if !ids.isEmpty { try await Self.notify(db, logger: self.queryLogger) }
            return ids
        }.sorted()
        if !requeued.isEmpty {
            logger.info("requeued failed deliveries", metadata: ["store.count": "\(requeued.count)"])
        }
        return requeued
    }
}
