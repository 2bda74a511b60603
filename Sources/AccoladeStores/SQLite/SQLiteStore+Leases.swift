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
        let count = try await pool.write { db -> Int in
            try db.cachedStatement(
                sql: """
                    UPDATE deliveries
                    SET state = 'available', lease_owner = NULL, lease_expires_at = NULL,
                        next_attempt_at = COALESCE(next_attempt_at, ?1), updated_at = ?1
                    WHERE id IN (SELECT value FROM json_each(?2)) AND +state = 'running' AND lease_owner = ?3
                    """
            ).execute(arguments: [StoreTime.millis(now), ids, owner])
            return db.changesCount
        }
        logger.debug("released deliveries", metadata: ["worker.owner": "\(owner)", "store.count": "\(count)"])
        if count > 0 { signals.signal() }
        return count
    }

    /// Rescues every `running` delivery whose lease ran out before `now` and returns how many.
    ///
    /// Each counts one attempt (the dead worker may have reached the provider) recorded as a
    /// `lease_expired` attempt by `rescuer`, started when the delivery was claimed. With attempts
    /// left it becomes `available` at `now`; otherwise `failed`, and in a `fallback` route the next
    /// pending channel is activated, as a permanent failure would.
    @discardableResult
    public func rescueExpiredLeases(now: Date, maxAttempts: Int) async throws -> Int {
        let nowMillis = StoreTime.millis(now)
        let rescued = try await pool.write { db -> [(id: String, owner: String, failed: Bool)] in
            let expired = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT d.id, d.message_id, d.position, d.attempts, d.lease_owner, d.lease_expires_at,
                               d.updated_at, m.route_mode
                        FROM deliveries d INDEXED BY deliveries_lease JOIN messages m ON m.id = d.message_id
                        WHERE d.state = 'running' AND d.lease_expires_at < ?
                        """), arguments: [nowMillis])
            let update = try db.cachedStatement(
                sql: """
                    UPDATE deliveries
                    SET state = ?, attempts = ?, next_attempt_at = ?, lease_owner = NULL, lease_expires_at = NULL,
                        last_error = ?, updated_at = ?
                    WHERE id = ? AND state = 'running'
                    """)
            let insertAttempt = try db.cachedStatement(
                sql: "INSERT INTO attempts (\(SQLiteRows.attemptColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
            var rescued: [(id: String, owner: String, failed: Bool)] = []
            for row in expired {
                let id: String = row[0]
                let messageID: String = row[1]
                let position: Int = row[2]
                let attempts = (row[3] as Int) + 1
                let owner: String = row[4] ?? "unknown"
                let leaseExpiry = StoreTime.date(row[5] as Int64? ?? nowMillis)
                let claimedAt = StoreTime.date(row[6] as Int64)
                let fallback = (row[7] as String) == RouteMode.fallback.rawValue
                let failed = attempts >= maxAttempts
                var detail = "lease of \(owner) expired at \(leaseExpiry.formatted(.iso8601)) before it reported; "
                    + "the provider may have received this attempt"
                if failed { detail += "; no attempts left (max \(maxAttempts))" }
                try update.execute(arguments: [
                    failed ? DeliveryState.failed.rawValue : DeliveryState.available.rawValue, attempts,
                    failed ? nil : nowMillis, detail, nowMillis, id,
                ])
                let attempt = Attempt(
                    deliveryID: id, number: attempts, startedAt: claimedAt, finishedAt: now, provider: "rescuer",
                    outcome: .leaseExpired, code: nil, detail: detail)
                try insertAttempt.execute(arguments: SQLiteRows.arguments(for: attempt))
                if failed && fallback {
                    try Self.apply(.activateNext(messageID: messageID, afterPosition: position, at: now), db: db, now: now)
                }
                rescued.append((id, owner, failed))
            }
            return rescued
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
            WHERE +state = 'failed'
            """
        let ids = try deliveryIDs.map { try Self.jsonArray($0) }
        let requeued = try await pool.write { db -> [String] in
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
