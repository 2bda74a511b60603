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
                WHERE id = ANY(\(deliveryIDs)) AND state = 'running' AND lease_owner = \(owner)
                RETURNING id
                """, logger: self.queryLogger
            ).collect().count
            if released > 0 { try await Self.notify(db, logger: self.queryLogger) }
            return released
        }
        logger.debug("released deliveries", metadata: ["worker.owner": "\(owner)", "store.count": "\(count)"])
        return count
    }

    /// Rescues every `running` delivery whose lease ran out before `now` and returns how many.
    ///
    /// Only one sweeper works at a time: the transaction first takes a transaction-scoped advisory
    /// lock with `pg_try_advisory_xact_lock`, and a worker that does not get it returns 0 at once
    /// (another is sweeping). Rows a late worker is completing right now are skipped (`SKIP
    /// LOCKED`): its outcome wins, and the next sweep sees whatever is left.
    ///
    /// Each rescued delivery counts one attempt (the dead worker may have reached the provider)
    /// recorded as a `lease_expired` attempt by `rescuer`, started when the delivery was claimed.
    /// With attempts left it becomes `available` at `now`; otherwise `failed`, and in a `fallback`
    /// route the next pending channel is activated, as a permanent failure would.
    ///
    /// Afterwards it refreshes the queue tables' planner statistics when they are stale
    /// (``refreshStatisticsIfStale()``).
    @discardableResult
    public func rescueExpiredLeases(now: Date, maxAttempts: Int) async throws -> Int {
        let nowMillis = StoreTime.millis(now)
        let rescued = try await transaction("rescue expired leases") { db -> [(id: String, owner: String, failed: Bool)] in
            let locked = try await db.query(
                "SELECT pg_try_advisory_xact_lock(\(PostgresSchema.LockKey.rescue))", logger: self.queryLogger
            ).collect().first?.decode(Bool.self) ?? false
            guard locked else { return [] }
            let expired = try await db.query(
                """
                SELECT d.id, d.message_id, d.position, d.attempts, d.lease_owner, d.lease_expires_at, d.updated_at,
                       m.route_mode
                FROM deliveries d JOIN messages m ON m.id = d.message_id
                WHERE d.state = 'running' AND d.lease_expires_at < \(nowMillis)
                ORDER BY d.lease_expires_at, d.id
                FOR UPDATE OF d SKIP LOCKED
                """, logger: self.queryLogger
            ).collect()
            guard !expired.isEmpty else { return [] }

            var records: [[String: JSONValue]] = []
            var attempts: [Attempt] = []
            var moveOn: [RouteFollowUp] = []
            var rescued: [(id: String, owner: String, failed: Bool)] = []
            for row in expired {
                let (id, messageID, position, previous, leaseOwner, leaseExpires, updatedAt, routeMode) = try row.decode(
                    (String, String, Int, Int, String?, Int64?, Int64, String).self)
                let number = previous + 1
                let owner = leaseOwner ?? "unknown"
                let leaseExpiry = StoreTime.date(leaseExpires ?? nowMillis)
                let failed = number >= maxAttempts
                var detail = "lease of \(owner) expired at \(leaseExpiry.formatted(.iso8601)) before it reported; "
                    + "the provider may have received this attempt"
                if failed { detail += "; no attempts left (max \(maxAttempts))" }
                records.append([
                    "id": .string(id),
                    "state": .string(failed ? DeliveryState.failed.rawValue : DeliveryState.available.rawValue),
                    "attempts": .int(Int64(number)), "next_attempt_at": failed ? .null : .int(nowMillis),
                    "last_error": .string(detail),
                ])
                attempts.append(
                    Attempt(
                        deliveryID: id, number: number, startedAt: StoreTime.date(updatedAt), finishedAt: now,
                        provider: "rescuer", outcome: .leaseExpired, code: nil, detail: detail))
                if failed && routeMode == RouteMode.fallback.rawValue {
                    moveOn.append(.activateNext(messageID: messageID, afterPosition: position, at: now))
                }
                rescued.append((id, owner, failed))
            }
            let json = try PostgresRows.records(records, field: "rescued deliveries")
            let ids = rescued.map(\.id)
            try await db.query(
                """
                UPDATE deliveries d
                SET state = r.state, attempts = r.attempts, next_attempt_at = r.next_attempt_at, lease_owner = NULL,
                    lease_expires_at = NULL, last_error = r.last_error, updated_at = \(nowMillis)
                FROM json_to_recordset(\(json)::json) AS r(
                    id text, state text, attempts int, next_attempt_at bigint, last_error text)
                WHERE d.id = ANY(\(ids)) AND d.id = r.id AND d.state = 'running'
                """, logger: self.queryLogger)
            try await Self.insertAttempts(attempts, db: db, logger: self.queryLogger)
            for followUp in moveOn {
                _ = try await Self.apply(followUp, db: db, now: now, logger: self.queryLogger)
            }
            try await Self.notify(db, logger: self.queryLogger)
            return rescued
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
                WHERE state = 'failed'
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
