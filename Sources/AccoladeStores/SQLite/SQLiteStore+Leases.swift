import AccoladeCore
import Foundation
import GRDB
import Logging

extension SQLiteStore {
    /// Returns `owner`'s unfinished claims to `available`, keeping their due time so they stay
    /// first in line; no attempt is counted (the worker never started them, or is shutting down).
    ///
    /// Statements here that look rows up by id write `+state` so the planner uses the primary
    /// key: without statistics it otherwise prefers the state index and scans every row in that
    /// state (all `failed` deliveries, say) to find a handful.
    @discardableResult
    public func release(owner: String, deliveryIDs: [String], now: Date) async throws -> Int {
        guard !deliveryIDs.isEmpty else { return 0 }
        let ids = try Self.jsonArray(deliveryIDs)
        let count = try await writeFolding { db -> Int in
            try db.cachedStatement(
                sql: """
                    UPDATE deliveries
                    SET state = 'available', lease_owner = NULL, lease_expires_at = NULL,
                        next_attempt_at = COALESCE(next_attempt_at, ?1), updated_at = ?1
                    WHERE id IN (SELECT value FROM json_each(?2))
                        AND +state IN (\(DeliveryTransition.sqlList(DeliveryTransition.release.sources))) AND lease_owner = ?3
                    """
            ).execute(arguments: [StoreTime.millis(now), ids, owner])
            return db.changesCount
        }
        logger.debug("released deliveries", metadata: ["worker.owner": "\(owner)", "store.count": "\(count)"])
        if count > 0 { signals.signal() }
        return count
    }

    /// Extends `owner`'s leases on these deliveries to `now + lease` in one statement.
    ///
    /// On SQLite every process shares the machine's clock, so the caller's `now` is the store's.
    /// `updated_at` stays the claim time: a rescue logs the lost attempt as starting then.
    @discardableResult
    public func extendLeases(owner: String, deliveryIDs: [String], now: Date, lease: TimeInterval) async throws -> Int {
        guard !deliveryIDs.isEmpty else { return 0 }
        let ids = try Self.jsonArray(deliveryIDs)
        let expires = StoreTime.millis(now.addingTimeInterval(lease))
        return try await writeFolding { db -> Int in
            try db.cachedStatement(
                sql: """
                    UPDATE deliveries SET lease_expires_at = ?1
                    WHERE id IN (SELECT value FROM json_each(?2)) AND +state = 'running' AND lease_owner = ?3
                    """
            ).execute(arguments: [expires, ids, owner])
            return db.changesCount
        }
    }

    /// Rescues every `running` delivery whose lease ran out before `now` (except those in `sparing`)
    /// and returns how many: ``DeliveryStateMachine/rescue(_:maxAttempts:now:)`` decides each,
    /// applied like an outcome of the old owner, so a late outcome and the rescue never both apply.
    @discardableResult
    public func rescueExpiredLeases(now: Date, maxAttempts: Int, sparing: [String]) async throws -> Int {
        let nowMillis = StoreTime.millis(now)
        let spared = try Self.jsonArray(sparing)
        let rescued = try await writeFolding { db -> [DeliveryUpdate] in
            let expired = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT d.id, d.message_id, d.position, d.attempts, d.lease_owner, d.lease_expires_at,
                               d.updated_at, m.route_mode
                        FROM deliveries d INDEXED BY deliveries_lease JOIN messages m ON m.id = d.message_id
                        WHERE d.state = 'running' AND d.lease_expires_at < ?
                            AND d.id NOT IN (SELECT value FROM json_each(?))
                        """), arguments: [nowMillis, spared])
            let decisions = expired.map { row in
                DeliveryStateMachine.rescue(
                    .init(
                        deliveryID: row[0], messageID: row[1], position: row[2], attempts: row[3], owner: row[4] ?? "",
                        leaseExpiresAt: StoreTime.date(row[5] as Int64? ?? nowMillis), claimedAt: StoreTime.date(row[6] as Int64),
                        mode: RouteMode(rawValue: row[7]) ?? .all),
                    maxAttempts: maxAttempts, now: now)
            }
            let stale = Set(try Self.apply(decisions, db: db).map(\.deliveryID))
            return decisions.filter { !stale.contains($0.deliveryID) }
        }
        StoreLog.rescued(logger, rescued)
        if !rescued.isEmpty { signals.signal() }
        return rescued.count
    }

    /// Puts `failed` deliveries back to `available` at `now` with a fresh attempt budget and no
    /// last error (the attempt log keeps the history). Returns the ids requeued, sorted.
    public func requeueFailed(deliveryIDs: [String]?, now: Date) async throws -> [String] {
        let nowMillis = StoreTime.millis(now)
        let set = """
            UPDATE deliveries
            SET state = 'available', attempts = 0, next_attempt_at = ?1, lease_owner = NULL, lease_expires_at = NULL,
                last_error = NULL, updated_at = ?1
            WHERE +state IN (\(DeliveryTransition.sqlList(DeliveryTransition.requeue.sources)))
            """
        let ids = try deliveryIDs.map { try Self.jsonArray($0) }
        let requeued = try await writeFolding { db -> [String] in
            if let ids {
                let statement = try db.cachedStatement(
                    sql: set + " AND id IN (SELECT value FROM json_each(?2)) RETURNING id")
                return try String.fetchAll(statement, arguments: [nowMillis, ids])
            }
            let all = set.replacingOccurrences(of: "+state", with: "state")
            return try String.fetchAll(db.cachedStatement(sql: all + " RETURNING id"), arguments: [nowMillis])
        }.sorted()
        if !requeued.isEmpty {
            logger.info("requeued failed deliveries", metadata: ["store.count": "\(requeued.count)"])
        }
        if !requeued.isEmpty { signals.signal() }
        return requeued
    }

    /// A JSON array of strings, bound as one parameter and expanded with `json_each` so one cached
    /// statement serves any number of ids (SQLite has no array binding).
    static func jsonArray(_ strings: [String]) throws -> String {
        try JSONValue.array(strings.map(JSONValue.string)).jsonText()
    }
}
