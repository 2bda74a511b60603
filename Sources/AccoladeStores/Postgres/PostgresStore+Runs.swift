import AccoladeCore
import Foundation
import Logging
import PostgresNIO

extension PostgresStore {
    /// Stores new runs with one `INSERT … ON CONFLICT DO NOTHING RETURNING id`, as ``enqueue(_:)``
    /// does for messages: a run whose id is not returned lost its (idempotency key, recipient key,
    /// workflow) to an earlier run, and the stored run decides replay or conflict. A racing
    /// node's insert of the same key makes ours wait until it commits, so the read that follows
    /// finds the winner; rows go in key order so two batches sharing keys cannot deadlock.
    public func startRuns(_ runs: [WorkflowRun]) async throws -> [RunStartResult] {
        guard !runs.isEmpty else { return [] }
        let records = try PostgresRows.records(
            try runs.enumerated().map { i, r throws(PostgresStoreError) in try PostgresRows.record(r, ord: i) }, field: "runs")
        let logger = queryLogger
        let results = try await transaction("start workflow runs") { db -> [RunStartResult] in
            var inserted = Set<String>()
            for try await id in try await db.query(
                """
                INSERT INTO workflow_runs (\(unescaped: PostgresRows.runColumns))
                SELECT \(unescaped: PostgresRows.runColumns)
                FROM json_to_recordset(\(records)::json) AS r(\(unescaped: PostgresRows.runRecordType))
                ORDER BY idempotency_key, recipient_key, workflow, ord
                ON CONFLICT (idempotency_key, recipient_key, workflow) WHERE idempotency_key IS NOT NULL DO NOTHING
                RETURNING id
                """, logger: logger
            ).decode(String.self) {
                inserted.insert(id)
            }
            let taken = runs.filter { !inserted.contains($0.id) }
            var existing: [[String]: WorkflowRun] = [:]
            if !taken.isEmpty {
                let keys = try PostgresRows.records(
                    taken.map {
                        [
                            "idempotency_key": PostgresRows.text($0.idempotencyKey), "recipient_key": .string($0.recipientKey),
                            "workflow": .string($0.workflow),
                        ]
                    }, field: "run keys")
                for row in try await db.query(
                    """
                    SELECT \(unescaped: Self.qualifiedRunColumns)
                    FROM workflow_runs w JOIN json_to_recordset(\(keys)::json) AS k(idempotency_key text, recipient_key text, workflow text)
                        ON w.idempotency_key = k.idempotency_key AND w.recipient_key = k.recipient_key AND w.workflow = k.workflow
                    """, logger: logger
                ).collect() {
                    let run = try PostgresRows.run(row)
                    existing[[run.idempotencyKey ?? "", run.recipientKey, run.workflow]] = run
                }
            }
            if !inserted.isEmpty { try await Self.notify(db, logger: logger) }
            return try runs.map { run -> RunStartResult in
                if inserted.contains(run.id) { return .created(run.storeNormalized) }
                guard let key = run.idempotencyKey, let found = existing[[key, run.recipientKey, run.workflow]] else {
                    throw PostgresStoreError.unstorableValue(field: "run \(run.id)", reason: "the insert was ignored without a key clash")
                }
                return found.fingerprint == run.fingerprint ? .replayed(found) : .conflict(existingRunID: found.id)
            }
        }
        logger.debug("started workflow runs", metadata: ["store.count": "\(runs.count)"])
        return results
    }

    /// ``PostgresRows/runColumns`` prefixed with `w.`.
    static let qualifiedRunColumns = PostgresRows.runColumns.split(separator: ",")
        .map { "w." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", ")

    /// Claims due runs and runs whose lease expired (by the lease clock), locking the candidates
    /// with `FOR UPDATE SKIP LOCKED` as the delivery claim does (claimers never wait for each other
    /// nor take the same run), then reads their facts in the same transaction: the last message's
    /// delivery states, and the events of digests whose window has passed (closing them, under
    /// their row lock, so a joiner either got in first or finds the digest closed). Candidates are
    /// taken in index order (`(state, due_at)`, the partial lease index) without an id tiebreak, so
    /// a tie of thousands of runs due in one millisecond costs no sort.
    public func claimRuns(owner: String, limit: Int, now: Date, lease: TimeInterval) async throws -> [ClaimedRun] {
        guard limit > 0 else { return [] }
        let nowMillis = StoreTime.millis(now)
        let leaseMillis = Int64((lease * 1000).rounded())
        let clock = leaseClockSQL(now)
        let logger = queryLogger
        let claimed = try await transaction("claim workflow runs") { db -> [ClaimedRun] in
            var runs = try await db.query(
                """
                WITH scheduled AS MATERIALIZED (
                    SELECT id, due_at FROM workflow_runs WHERE state = 'scheduled' AND due_at <= \(nowMillis)
                    ORDER BY due_at LIMIT \(limit)
                    FOR UPDATE SKIP LOCKED),
                expired AS MATERIALIZED (
                    SELECT id, due_at FROM workflow_runs WHERE state = 'running' AND lease_expires_at < \(unescaped: clock)
                    ORDER BY lease_expires_at LIMIT \(limit)
                    FOR UPDATE SKIP LOCKED),
                picked AS (
                    SELECT id FROM (SELECT id, due_at FROM scheduled UNION ALL SELECT id, due_at FROM expired) AS u
                    ORDER BY due_at, id LIMIT \(limit))
                UPDATE workflow_runs
                SET state = 'running', lease_owner = \(owner), lease_expires_at = \(unescaped: clock) + \(leaseMillis),
                    wake_pending = 0, updated_at = \(nowMillis)
                WHERE id = ANY(ARRAY(SELECT id FROM picked))
                RETURNING \(unescaped: PostgresRows.runColumns)
                """, logger: logger
            ).collect().map(PostgresRows.run)
            guard !runs.isEmpty else { return [] }
            runs.sort { ($0.dueAt ?? .distantPast, $0.id) < ($1.dueAt ?? .distantPast, $1.id) }
            return try await Self.claimedRuns(runs, db: db, now: nowMillis, logger: logger)
        }
        if !claimed.isEmpty {
            logger.debug("claimed workflow runs", metadata: ["worker.owner": "\(owner)", "store.count": "\(claimed.count)"])
        }
        return claimed
    }

    /// The facts claimed runs' steps need, read inside the claim's transaction.
    static func claimedRuns(_ runs: [WorkflowRun], db: PostgresConnection, now: Int64, logger: Logger) async throws -> [ClaimedRun] {
        var states: [String: [DeliveryState]] = [:]
        let messageIDs = Array(Set(runs.compactMap(\.lastMessageID)))
        if !messageIDs.isEmpty {
            for try await (messageID, state) in try await db.query(
                "SELECT message_id, state FROM deliveries WHERE message_id = ANY(\(messageIDs)) ORDER BY message_id, position",
                logger: logger
            ).decode((String, String).self) {
                if let state = DeliveryState(rawValue: state) { states[messageID, default: []].append(state) }
            }
        }
        var events: [String: [JSONValue]] = [:]
        let digestIDs = Array(Set(runs.compactMap(\.digestID)))
        if !digestIDs.isEmpty {
            // The window has passed: close it (waiting for a joiner holding its row), so a later event opens a new one.
            try await db.query(
                """
                UPDATE workflow_digests SET state = 'closed', closed_at = \(now)
                WHERE id = ANY(\(digestIDs)) AND state = 'open' AND closes_at <= \(now)
                """, logger: logger)
            // Closed now or by an earlier claim whose worker died before advancing: the events again.
            for try await (digestID, text) in try await db.query(
                """
                SELECT m.digest_id, m.data FROM workflow_digest_members m JOIN workflow_digests g ON g.id = m.digest_id
                WHERE g.id = ANY(\(digestIDs)) AND g.state = 'closed'
                ORDER BY m.digest_id, m.ordinal
                """, logger: logger
            ).decode((String, String).self) {
                do {
                    events[digestID, default: []].append(try JSONValue(jsonText: text))
                } catch {
                    throw PostgresStoreError.unreadableRow(table: "workflow_digest_members", id: digestID, column: "data", reason: "\(error)")
                }
            }
        }
        return runs.map { run in
            ClaimedRun(
                run: run, lastMessageStates: run.lastMessageID.flatMap { states[$0] } ?? [],
                digestEvents: run.digestID.flatMap { events[$0] })
        }
    }

    /// Extends `owner`'s leases on these running runs to the lease clock plus `lease`.
    @discardableResult
    public func extendRunLeases(owner: String, runIDs: [String], now: Date, lease: TimeInterval) async throws -> Int {
        guard !runIDs.isEmpty else { return 0 }
        let leaseMillis = Int64((lease * 1000).rounded())
        return try await write(
            "extend workflow run leases",
            """
            UPDATE workflow_runs SET lease_expires_at = \(unescaped: leaseClockSQL(now)) + \(leaseMillis)
            WHERE id = ANY(\(runIDs)) AND state = 'running' AND lease_owner = \(owner)
            RETURNING 1
            """
        ).count
    }

    /// Returns `owner`'s running runs to `scheduled`, due now, changing nothing else.
    @discardableResult
    public func releaseRuns(owner: String, runIDs: [String], now: Date) async throws -> Int {
        guard !runIDs.isEmpty else { return 0 }
        let nowMillis = StoreTime.millis(now)
        let count = try await transaction("release workflow runs") { db -> Int in
            let released = try await db.query(
                """
                UPDATE workflow_runs
                SET state = 'scheduled', due_at = \(nowMillis), lease_owner = NULL, lease_expires_at = NULL, wake_pending = 0,
                    updated_at = \(nowMillis)
                WHERE id = ANY(\(runIDs)) AND state = 'running' AND lease_owner = \(owner)
                RETURNING 1
                """, logger: self.queryLogger
            ).collect().count
            if released > 0 { try await Self.notify(db, logger: self.queryLogger) }
            return released
        }
        logger.debug("released workflow runs", metadata: ["worker.owner": "\(owner)", "store.count": "\(count)"])
        return count
    }

    /// Marks the runs that sent `messageID` (a step record names it, or it is their last
    /// message) or carry `rewardCode` as redeemed (the first time stands) and wakes them.
    public func recordRedemption(messageID: String?, rewardCode: String?, at time: Date, value: MicroMoney?) async throws -> [String] {
        guard messageID != nil || rewardCode != nil else { return [] }
        let at = StoreTime.millis(time)
        let logger = queryLogger
        let ids = try await transaction("record a redemption") { db -> [String] in
            var ids: [String] = []
            for try await id in try await db.query(
                """
                UPDATE workflow_runs
                SET redeemed_at = COALESCE(redeemed_at, \(at)),
                    due_at = CASE WHEN state = 'scheduled' AND due_at > \(at) THEN \(at) ELSE due_at END,
                    wake_pending = CASE WHEN state = 'running' THEN 1 ELSE wake_pending END,
                    updated_at = \(at)
                WHERE id IN (
                    SELECT run_id FROM workflow_run_steps WHERE message_id = \(messageID)
                    UNION SELECT id FROM workflow_runs WHERE last_message_id = \(messageID)
                    UNION SELECT id FROM workflow_runs WHERE reward_code = \(rewardCode))
                RETURNING id
                """, logger: logger
            ).decode(String.self) {
                ids.append(id)
            }
            var binds = PostgresBindings()
            binds.append(at)
            binds.append(messageID)
            binds.append(rewardCode)
            binds.append(value?.micros)
            binds.append(value?.currency)
            try await db.query(PostgresQuery(unsafeSQL: StoreRedemptionSQL.postgres, binds: binds), logger: logger)
            if !ids.isEmpty {
                // A redemption is engagement too (`send_at: optimal`), once per recipient.
                try await db.query(
                    """
                    INSERT INTO engagement_events (recipient_key, at, kind, cohort)
                    SELECT DISTINCT recipient_key, \(at), 'redemption', COALESCE(recipient_locale, '') || '/' || COALESCE(recipient_timezone, '')
                    FROM workflow_runs WHERE id = ANY(\(ids))
                    ON CONFLICT DO NOTHING
                    """, logger: logger)
                try await Self.notify(db, logger: logger)
            }
            return ids
        }
        return ids.sorted()
    }

    /// Wakes the runs waiting on `messageID` inside the caller's transaction (a receipt moved one
    /// of its deliveries to `delivered` or `read`): scheduled ones become due at `now` (their
    /// deadline stays), running ones are marked so their advance schedules them now. Returns how many.
    @discardableResult
    static func wakeRuns(lastMessageID messageID: String, now: Date, db: PostgresConnection, logger: Logger) async throws -> Int {
        let at = StoreTime.millis(now)
        let woken = try await db.query(
            """
            UPDATE workflow_runs
            SET due_at = CASE WHEN state = 'scheduled' THEN \(at) ELSE due_at END,
                wake_pending = CASE WHEN state = 'running' THEN 1 ELSE wake_pending END, updated_at = \(at)
            WHERE last_message_id = \(messageID) AND ((state = 'scheduled' AND due_at > \(at)) OR state = 'running')
            RETURNING 1
            """, logger: logger
        ).collect().count
        if woken > 0 { try await notify(db, logger: logger) }
        return woken
    }

    // MARK: Reading

    public func run(id: String) async throws -> WorkflowRun? {
        try await rows("read a workflow run", "SELECT \(unescaped: PostgresRows.runColumns) FROM workflow_runs WHERE id = \(id)")
            .first.map(PostgresRows.run)
    }

    public func runSteps(runID: String) async throws -> [RunStepRecord] {
        try await rows(
            "read a workflow run's steps",
            "SELECT \(unescaped: PostgresRows.runStepColumns) FROM workflow_run_steps WHERE run_id = \(runID) ORDER BY ordinal"
        ).map { try PostgresRows.runStep($0, runID: runID) }
    }

    public func runs(matching query: RunQuery) async throws -> [WorkflowRun] {
        var sql = "SELECT \(PostgresRows.runColumns) FROM workflow_runs WHERE true"
        var binds = PostgresBindings()
        func bind(_ value: String) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        if let workflow = query.workflow { sql += " AND workflow = \(bind(workflow))" }
        if let key = query.recipientKey { sql += " AND recipient_key = \(bind(key))" }
        if let key = query.cancellationKey { sql += " AND cancellation_key = \(bind(key))" }
        if !query.states.isEmpty {
            // State names are fixed identifiers, never input.
            sql += " AND state IN (" + query.states.map { "'\($0.rawValue)'" }.sorted().joined(separator: ", ") + ")"
        }
        if let before = query.before { sql += " AND id < \(bind(before))" }
        sql += " ORDER BY id DESC LIMIT \(min(max(query.limit, 1), 1000))"
        return try await rows("list workflow runs", PostgresQuery(unsafeSQL: sql, binds: binds)).map(PostgresRows.run)
    }
}
