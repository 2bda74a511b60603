import AccoladeCore
import Foundation
import GRDB
import Logging

extension SQLiteStore {
    /// Stores new runs in one transaction; the unique index on (idempotency key, recipient key,
    /// workflow) decides replays, as ``enqueue(_:)`` does for messages: an insert that changes
    /// nothing lost its key to an earlier run (of another call, process, or this batch) and the
    /// stored run's fingerprint tells a replay from a conflict. The write lock makes the insert and
    /// the read that follows one step.
    public func startRuns(_ runs: [WorkflowRun]) async throws -> [RunStartResult] {
        guard !runs.isEmpty else { return [] }
        // The runs of one event share its data: encoded once, not once per recipient.
        var last: (data: JSONValue, text: String)?
        let rows = try runs.map { run in
            if let last, last.data == run.data { return SQLiteRows.arguments(for: run, dataText: last.text) }
            let text = try SQLiteRows.dataText(of: run)
            last = (run.data, text)
            return SQLiteRows.arguments(for: run, dataText: text)
        }
        let placeholders = Array(repeating: "?", count: SQLiteRows.runColumnCount).joined(separator: ", ")
        let results = try await writeFolding { db -> [RunStartResult] in
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO workflow_runs (\(SQLiteRows.runColumns)) VALUES (\(placeholders))
                    ON CONFLICT (idempotency_key, recipient_key, workflow) WHERE idempotency_key IS NOT NULL DO NOTHING
                    """)
            let existing = try db.cachedStatement(
                sql: """
                    SELECT \(SQLiteRows.runColumns) FROM workflow_runs
                    WHERE idempotency_key = ? AND recipient_key = ? AND workflow = ?
                    """)
            var results: [RunStartResult] = []
            results.reserveCapacity(runs.count)
            for (run, row) in zip(runs, rows) {
                try insert.execute(arguments: row)
                if db.changesCount == 1 {
                    results.append(.created(run.storeNormalized))
                    continue
                }
                guard let key = run.idempotencyKey,
                    let found = try Row.fetchOne(existing, arguments: [key, run.recipientKey, run.workflow]).map(SQLiteRows.run)
                else {
                    throw SQLiteStoreError.unstorableValue(field: "run \(run.id)", reason: "the insert was ignored without a key clash")
                }
                results.append(found.fingerprint == run.fingerprint ? .replayed(found) : .conflict(existingRunID: found.id))
            }
            return results
        }
        let created = results.filter { if case .created = $0 { true } else { false } }.count
        logger.debug("started workflow runs", metadata: ["store.count": "\(runs.count)", "store.created": "\(created)"])
        if created > 0 { signals.signal() }
        return results
    }

    /// Claims due runs (and runs whose lease expired) in one `UPDATE … RETURNING` under the write
    /// lock, then reads each one's facts (the last message's delivery states; a closed digest's
    /// events, closing it when its window has passed) in the same transaction.
    ///
    /// Each arm of the candidate list is ordered and limited on its own, in its index's order
    /// (`workflow_runs_due`; the partial `workflow_runs_lease`, pinned because without statistics
    /// the planner would sort every running row), so the claim reads `limit` index entries per arm
    /// however long the backlog is. Ties in due time (a batch of events started in one
    /// millisecond) are not ordered by id there: sorting a tie of thousands would cost more than
    /// the claim.
    public func claimRuns(owner: String, limit: Int, now: Date, lease: TimeInterval) async throws -> [ClaimedRun] {
        guard limit > 0 else { return [] }
        let nowMillis = StoreTime.millis(now)
        let expires = StoreTime.millis(now.addingTimeInterval(lease))
        let claimed = try await writeFolding { db -> [ClaimedRun] in
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        UPDATE workflow_runs
                        SET state = 'running', lease_owner = ?1, lease_expires_at = ?2, wake_pending = 0, updated_at = ?3
                        WHERE id IN (
                            SELECT id FROM (
                                SELECT * FROM (
                                    SELECT id, due_at FROM workflow_runs WHERE state = 'scheduled' AND due_at <= ?3
                                    ORDER BY due_at LIMIT ?4)
                                UNION ALL
                                SELECT * FROM (
                                    SELECT id, due_at FROM workflow_runs INDEXED BY workflow_runs_lease
                                    WHERE state = 'running' AND lease_expires_at < ?3
                                    ORDER BY lease_expires_at LIMIT ?4))
                            ORDER BY due_at, id LIMIT ?4)
                        RETURNING \(SQLiteRows.runColumns)
                        """),
                arguments: [owner, expires, nowMillis, limit]
            )
            // RETURNING gives rows in no promised order; the contract is oldest due first. The
            // rows are sorted by their two columns before decoding: sorting decoded runs moves
            // large values and cost more than the claim's SQL.
            let keyed = rows.map { row in (due: (row[18] as Int64?) ?? Int64.min, id: row[0] as String, row: row) }
                .sorted { ($0.due, $0.id) < ($1.due, $1.id) }
            var parsed: [String: JSONValue] = [:]
            return try keyed.map { try Self.claimedRun(try SQLiteRows.run($0.row, parsed: &parsed), db: db, now: nowMillis) }
        }
        if !claimed.isEmpty {
            logger.debug("claimed workflow runs", metadata: ["worker.owner": "\(owner)", "store.count": "\(claimed.count)"])
        }
        return claimed
    }

    /// The facts a claimed run's step needs, read inside the claim's transaction.
    static func claimedRun(_ run: WorkflowRun, db: Database, now: Int64) throws -> ClaimedRun {
        var states: [DeliveryState] = []
        if let messageID = run.lastMessageID {
            states = try String.fetchAll(
                db.cachedStatement(sql: "SELECT state FROM deliveries WHERE message_id = ? ORDER BY position"),
                arguments: [messageID]
            ).compactMap(DeliveryState.init(rawValue:))
        }
        var events: [JSONValue]?
        if let digestID = run.digestID {
            // The window has passed: close it, so a later event opens a new digest.
            try db.cachedStatement(
                sql: "UPDATE workflow_digests SET state = 'closed', closed_at = ?1 WHERE id = ?2 AND state = 'open' AND closes_at <= ?1"
            ).execute(arguments: [now, digestID])
            // Closed now or by an earlier claim whose worker died before advancing: the events again.
            let closed = try String.fetchOne(
                db.cachedStatement(sql: "SELECT state FROM workflow_digests WHERE id = ?"), arguments: [digestID]) == "closed"
            if closed {
                events = try String.fetchAll(
                    db.cachedStatement(sql: "SELECT data FROM workflow_digest_members WHERE digest_id = ? ORDER BY ordinal"),
                    arguments: [digestID]
                ).map { text -> JSONValue in
                    do {
                        return try JSONValue(jsonText: text)
                    } catch {
                        throw SQLiteStoreError.unreadableRow(
                            table: "workflow_digest_members", id: digestID, column: "data", reason: "\(error)")
                    }
                }
            }
        }
        return ClaimedRun(run: run, lastMessageStates: states, digestEvents: events)
    }

    /// Extends `owner`'s leases on these running runs to `now + lease` (one machine's clock).
    @discardableResult
    public func extendRunLeases(owner: String, runIDs: [String], now: Date, lease: TimeInterval) async throws -> Int {
        guard !runIDs.isEmpty else { return 0 }
        let ids = try Self.jsonArray(runIDs)
        return try await writeFolding { db in
            try db.cachedStatement(
                sql: """
                    UPDATE workflow_runs SET lease_expires_at = ?1
                    WHERE id IN (SELECT value FROM json_each(?2)) AND +state = 'running' AND lease_owner = ?3
                    """
            ).execute(arguments: [StoreTime.millis(now.addingTimeInterval(lease)), ids, owner])
            return db.changesCount
        }
    }

    /// Returns `owner`'s running runs to `scheduled`, due now, changing nothing else.
    @discardableResult
    public func releaseRuns(owner: String, runIDs: [String], now: Date) async throws -> Int {
        guard !runIDs.isEmpty else { return 0 }
        let ids = try Self.jsonArray(runIDs)
        let count = try await writeFolding { db -> Int in
            try db.cachedStatement(
                sql: """
                    UPDATE workflow_runs
                    SET state = 'scheduled', due_at = ?1, lease_owner = NULL, lease_expires_at = NULL, wake_pending = 0,
                        updated_at = ?1
                    WHERE id IN (SELECT value FROM json_each(?2)) AND +state = 'running' AND lease_owner = ?3
                    """
            ).execute(arguments: [StoreTime.millis(now), ids, owner])
            return db.changesCount
        }
        logger.debug("released workflow runs", metadata: ["worker.owner": "\(owner)", "store.count": "\(count)"])
        if count > 0 { signals.signal() }
        return count
    }

    /// Marks the runs that sent `messageID` (a step record names it, or it is their last
    /// message) or carry `rewardCode` as redeemed (the first time stands) and wakes them.
    public func recordRedemption(messageID: String?, rewardCode: String?, at time: Date, value: MicroMoney?) async throws -> [String] {
        guard messageID != nil || rewardCode != nil else { return [] }
        let ids = try await writeFolding { db -> [String] in
            try db.cachedStatement(sql: StoreRedemptionSQL.sqlite).execute(arguments: [
                StoreTime.millis(time), messageID, rewardCode, value?.micros, value?.currency,
            ])
            let ids = try String.fetchAll(
                db.cachedStatement(
                    sql: """
                        UPDATE workflow_runs
                        SET redeemed_at = COALESCE(redeemed_at, ?1),
                            due_at = CASE WHEN state = 'scheduled' AND due_at > ?1 THEN ?1 ELSE due_at END,
                            wake_pending = CASE WHEN state = 'running' THEN 1 ELSE wake_pending END,
                            updated_at = ?1
                        WHERE id IN (
                            SELECT run_id FROM workflow_run_steps WHERE ?2 IS NOT NULL AND message_id = ?2
                            UNION SELECT id FROM workflow_runs WHERE ?2 IS NOT NULL AND last_message_id = ?2
                            UNION SELECT id FROM workflow_runs WHERE ?3 IS NOT NULL AND reward_code = ?3)
                        RETURNING id
                        """),
                arguments: [StoreTime.millis(time), messageID, rewardCode])
            // A redemption is engagement too (`send_at: optimal`), once per recipient.
            for row in try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT DISTINCT recipient_key, recipient_locale, recipient_timezone FROM workflow_runs
                        WHERE id IN (SELECT value FROM json_each(?))
                        """),
                arguments: [String(decoding: try JSONEncoder().encode(ids), as: UTF8.self)])
            {
                try db.cachedStatement(sql: "INSERT OR IGNORE INTO engagement_events (recipient_key, at, kind, cohort) VALUES (?, ?, ?, ?)")
                    .execute(arguments: [
                        row[0] as String, StoreTime.millis(time), EngagementEvent.Kind.redemption.rawValue,
                        Recipient(locale: row[1], timezone: row[2]).engagementCohort,
                    ])
            }
            return ids
        }
        if !ids.isEmpty { signals.signal() }
        return ids.sorted()
    }

    /// Wakes the runs waiting on `messageID` inside the caller's transaction (a receipt moved one
    /// of its deliveries to `delivered` or `read`): scheduled ones become due at `now` (their
    /// deadline stays), running ones are marked so their advance schedules them now. Returns how many.
    @discardableResult
    static func wakeRuns(lastMessageID messageID: String, now: Date, db: Database) throws -> Int {
        try db.cachedStatement(
            sql: """
                UPDATE workflow_runs
                SET due_at = CASE WHEN state = 'scheduled' THEN ?1 ELSE due_at END,
                    wake_pending = CASE WHEN state = 'running' THEN 1 ELSE wake_pending END, updated_at = ?1
                WHERE last_message_id = ?2 AND ((+state = 'scheduled' AND due_at > ?1) OR +state = 'running')
                """
        ).execute(arguments: [StoreTime.millis(now), messageID])
        return db.changesCount
    }

    // MARK: Reading

    public func run(id: String) async throws -> WorkflowRun? {
        try await pool.read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT \(SQLiteRows.runColumns) FROM workflow_runs WHERE id = ?"), arguments: [id]
            ).map(SQLiteRows.run)
        }
    }

    public func runSteps(runID: String) async throws -> [RunStepRecord] {
        try await pool.read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: "SELECT \(SQLiteRows.runStepColumns) FROM workflow_run_steps WHERE run_id = ? ORDER BY ordinal"),
                arguments: [runID]
            ).map { try SQLiteRows.runStep($0, runID: runID) }
        }
    }

    public func runs(matching query: RunQuery) async throws -> [WorkflowRun] {
        var clauses: [String] = []
        var arguments: StatementArguments = []
        if let workflow = query.workflow {
            clauses.append("workflow = ?")
            arguments += [workflow]
        }
        if let key = query.recipientKey {
            clauses.append("recipient_key = ?")
            arguments += [key]
        }
        if let key = query.cancellationKey {
            clauses.append("cancellation_key = ?")
            arguments += [key]
        }
        if !query.states.isEmpty {
            // State names are fixed identifiers, never input.
            clauses.append("state IN (" + query.states.map { "'\($0.rawValue)'" }.sorted().joined(separator: ", ") + ")")
        }
        if let before = query.before {
            clauses.append("id < ?")
            arguments += [before]
        }
        arguments += [min(max(query.limit, 1), 1000)]
        let sql = """
            SELECT \(SQLiteRows.runColumns) FROM workflow_runs
            \(clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND "))
            ORDER BY id DESC LIMIT ?
            """
        let bound = arguments
        return try await pool.read { db in
            try Row.fetchAll(db.cachedStatement(sql: sql), arguments: bound).map(SQLiteRows.run)
        }
    }
}
