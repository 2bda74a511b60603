import AccoladeCore
import Foundation
import Logging
import PostgresNIO

extension PostgresStore {
    /// Applies an advance in one transaction (see ``WorkflowRunStore/advanceRun(_:)``).
    ///
    /// The run's row is locked first (owner check, record numbering). A throttle's count and pass
    /// run under a transaction-scoped advisory lock on (workflow, recipient key), a digest's look-up,
    /// join or opening under one on (workflow, step, digest key): concurrent advances on any number
    /// of nodes count exactly and never open two digests for one key. A joiner also locks the open
    /// digest's row, which the claim that closes it must wait for.
    @discardableResult
    public func advanceRun(_ advance: RunAdvance) async throws -> Bool {
        let logger = queryLogger
        let applied = try await transaction("advance a workflow run") { db -> Bool in
            guard
                let found = try await db.query(
                    """
                    SELECT state, lease_owner, cursor_step, workflow, recipient_key, data, wake_pending
                    FROM workflow_runs WHERE id = \(advance.runID) FOR UPDATE
                    """, logger: logger
                ).collect().first?.decode((String, String?, Int, String, String, String, Int).self)
            else { return false }
            let (state, owner, cursor, workflow, recipientKey, data, wakePending) = found
            guard state == RunState.running.rawValue, owner == advance.leaseOwner else {
                if state == RunState.cancelled.rawValue {
                    // Cancelled while this worker ran its steps: what those steps sent must not go out.
                    let messageIDs = advance.records.compactMap(\.messageID) + [advance.lastMessageID].compactMap { $0 }
                    try await Self.cancelDeliveries(messageIDs: messageIDs, now: advance.now, db: db, logger: logger)
                }
                return false
            }
            let change = try await Self.change(
                for: advance, cursor: cursor, workflow: workflow, recipientKey: recipientKey, data: data,
                wokenWhileRunning: wakePending != 0, db: db, logger: logger)
            try await Self.appendRecords(advance.records + change.records, runID: advance.runID, db: db, logger: logger)
            let nowMillis = StoreTime.millis(advance.now)
            if change.closesOwnedDigest {
                try await db.query(
                    """
                    UPDATE workflow_digests SET state = 'closed', closed_at = \(nowMillis)
                    WHERE owner_run_id = \(advance.runID) AND state = 'open'
                    """, logger: logger)
            }
            let (keepDigest, digest) = change.digestColumn
            try await db.query(
                """
                UPDATE workflow_runs
                SET state = \(change.state.rawValue), cursor_step = \(change.cursor),
                    due_at = \(StoreTime.millis(change.dueAt)), deadline = \(StoreTime.millis(change.deadline)),
                    digest_id = CASE WHEN \(keepDigest) THEN digest_id ELSE \(digest) END,
                    reason = \(change.reason), last_message_id = COALESCE(\(advance.lastMessageID), last_message_id),
                    lease_owner = NULL, lease_expires_at = NULL, wake_pending = 0, updated_at = \(nowMillis)
                WHERE id = \(advance.runID)
                """, logger: logger)
            if change.state == .scheduled, let due = change.dueAt, due <= advance.now {
                try await Self.notify(db, logger: logger)
            }
            return true
        }
        if !applied {
            self.logger.warning(
                "ignored a workflow run advance reported after the lease was lost",
                metadata: ["run.id": "\(advance.runID)", "worker.owner": "\(advance.leaseOwner)"])
        }
        return applied
    }

    /// Decides the run's change, reading and writing the throttle's passes and the digests.
    private static func change(
        for advance: RunAdvance, cursor: Int, workflow: String, recipientKey: String, data: String,
        wokenWhileRunning: Bool, db: PostgresConnection, logger: Logger
    ) async throws -> RunChange {
        let now = advance.now
        let nowMillis = StoreTime.millis(now)
        switch advance.next {
        case .wake(let step, let at, let deadline):
            return RunAdvanceRules.wake(
                step: step, at: at, deadline: deadline, cursor: cursor, wokenWhileRunning: wokenWhileRunning, now: now)
        case .finish(let state, let reason):
            guard state.isFinal else {
                throw PostgresStoreError.unstorableValue(
                    field: "advance of run \(advance.runID)", reason: "finish in non-final state \(state.rawValue)")
            }
            return RunAdvanceRules.finish(state, reason: reason, cursor: cursor)
        case .throttle(let step, let limit, let since, let over):
            let lockKey = workflow + "\n" + recipientKey
            try await db.query(
                "SELECT pg_advisory_xact_lock(\(PostgresSchema.LockKey.throttleClass), hashtext(\(lockKey)))", logger: logger)
            let passes = try await db.query(
                """
                SELECT COUNT(*)::bigint FROM workflow_throttle_passes
                WHERE workflow = \(workflow) AND recipient_key = \(recipientKey) AND passed_at > \(StoreTime.millis(since))
                """, logger: logger
            ).collect().first?.decode(Int64.self) ?? 0
            let (pass, change) = RunAdvanceRules.throttle(step: step, limit: limit, passes: Int(passes), over: over, now: now)
            if pass {
                try await db.query(
                    """
                    INSERT INTO workflow_throttle_passes (workflow, recipient_key, run_id, passed_at)
                    VALUES (\(workflow), \(recipientKey), \(advance.runID), \(nowMillis))
                    """, logger: logger)
            }
            return change
        case .digest(let step, let key, let closesAt):
            let lockKey = workflow + "\n" + String(step) + "\n" + key
            try await db.query(
                "SELECT pg_advisory_xact_lock(\(PostgresSchema.LockKey.digestClass), hashtext(\(lockKey)))", logger: logger)
            if let open = try await db.query(
                """
                SELECT id FROM workflow_digests
                WHERE workflow = \(workflow) AND step = \(step) AND digest_key = \(key) AND state = 'open'
                    AND closes_at > \(nowMillis)
                ORDER BY closes_at LIMIT 1
                FOR UPDATE
                """, logger: logger
            ).collect().first?.decode(String.self) {
                try await addMember(digestID: open, runID: advance.runID, data: data, now: nowMillis, db: db, logger: logger)
                return RunAdvanceRules.joined(step: step, digestID: open, now: now)
            }
            let id = RunAdvanceRules.digestID(now: now)
            try await db.query(
                """
                INSERT INTO workflow_digests (id, workflow, step, digest_key, closes_at, owner_run_id, state, created_at)
                VALUES (\(id), \(workflow), \(step), \(key), \(StoreTime.millis(closesAt)), \(advance.runID), 'open', \(nowMillis))
                """, logger: logger)
            try await addMember(digestID: id, runID: advance.runID, data: data, now: nowMillis, db: db, logger: logger)
            return RunAdvanceRules.opened(step: step, digestID: id, closesAt: closesAt, now: now)
        }
    }

    /// Adds a run's event to a digest as its next member (the opener is member 0); the caller
    /// holds the digest's lock.
    private static func addMember(
        digestID: String, runID: String, data: String, now: Int64, db: PostgresConnection, logger: Logger
    ) async throws {
        try await db.query(
            """
            INSERT INTO workflow_digest_members (digest_id, ordinal, run_id, data, joined_at)
            SELECT \(digestID), COALESCE(MAX(ordinal) + 1, 0), \(runID), \(data), \(now)
            FROM workflow_digest_members WHERE digest_id = \(digestID)
            """, logger: logger)
    }

    /// Appends step records after the run's last one; the caller holds the run's row lock.
    static func appendRecords(_ records: [RunStepRecord], runID: String, db: PostgresConnection, logger: Logger) async throws {
        guard !records.isEmpty else { return }
        let first = try await db.query(
            "SELECT COALESCE(MAX(ordinal) + 1, 0)::bigint FROM workflow_run_steps WHERE run_id = \(runID)", logger: logger
        ).collect().first?.decode(Int64.self) ?? 0
        let json = try PostgresRows.records(
            records.enumerated().map { PostgresRows.record($1, runID: runID, ordinal: Int(first) + $0) }, field: "run steps")
        try await db.query(
            """
            INSERT INTO workflow_run_steps (run_id, ordinal, \(unescaped: PostgresRows.runStepColumns))
            SELECT run_id, ordinal, \(unescaped: PostgresRows.runStepColumns)
            FROM json_to_recordset(\(json)::json) AS r(\(unescaped: PostgresRows.runStepRecordType))
            """, logger: logger)
    }

    /// Cancels the deliveries of these messages that no worker has claimed; returns how many.
    @discardableResult
    static func cancelDeliveries(messageIDs: [String], now: Date, db: PostgresConnection, logger: Logger) async throws -> Int {
        guard !messageIDs.isEmpty else { return 0 }
        return try await db.query(
            """
            UPDATE deliveries
            SET state = 'cancelled', next_attempt_at = NULL, last_error = \(RunAdvanceRules.cancelledDeliveryReason),
                updated_at = \(StoreTime.millis(now))
            WHERE message_id = ANY(\(Array(Set(messageIDs)).sorted()))
                AND state IN (\(unescaped: DeliveryTransition.sqlList(DeliveryTransition.cancel.sources)))
            RETURNING 1
            """, logger: logger
        ).collect().count
    }

    /// Cancels every unfinished run with the key in one transaction (see
    /// ``WorkflowRunStore/cancelRuns(cancellationKey:now:)``). The runs' rows are locked by the
    /// update, so an advance in flight either committed first (its messages are in the records
    /// read here) or finds the run cancelled and cancels its own messages' deliveries.
    public func cancelRuns(cancellationKey: String, now: Date) async throws -> RunCancellation {
        let nowMillis = StoreTime.millis(now)
        let logger = queryLogger
        let result = try await transaction("cancel workflow runs") { db -> RunCancellation in
            let runs = try await db.query(
                """
                WITH target AS (
                    SELECT id FROM workflow_runs
                    WHERE cancellation_key = \(cancellationKey) AND state IN ('scheduled', 'running')
                    ORDER BY id FOR UPDATE)
                UPDATE workflow_runs w
                SET state = 'cancelled', reason = \(RunAdvanceRules.cancelledReason), due_at = NULL, deadline = NULL,
                    lease_owner = NULL, lease_expires_at = NULL, wake_pending = 0, updated_at = \(nowMillis)
                FROM target WHERE w.id = target.id
                RETURNING w.id, w.cursor_step, w.last_message_id
                """, logger: logger
            ).collect().map { try $0.decode((String, Int, String?).self) }.sorted { $0.0 < $1.0 }
            guard !runs.isEmpty else { return RunCancellation(runIDs: [], cancelledDeliveries: 0) }
            let ids = runs.map(\.0)
            for (id, cursor, _) in runs {
                try await Self.appendRecords(
                    [RunAdvanceRules.cancelled(cursor: cursor, cancellationKey: cancellationKey, now: now)], runID: id, db: db,
                    logger: logger)
            }
            try await db.query(
                """
                UPDATE workflow_digests SET state = 'closed', closed_at = \(nowMillis)
                WHERE owner_run_id = ANY(\(ids)) AND state = 'open'
                """, logger: logger)
            var messageIDs = runs.compactMap(\.2)
            for try await id in try await db.query(
                "SELECT DISTINCT message_id FROM workflow_run_steps WHERE run_id = ANY(\(ids)) AND message_id IS NOT NULL",
                logger: logger
            ).decode(String.self) {
                messageIDs.append(id)
            }
            // Messages a worker enqueued before dying, named in no record yet: by their exact keys.
            let keys = ids.flatMap(WorkflowRun.sendIdempotencyKeys(runID:))
            for try await id in try await db.query(
                "SELECT id FROM messages WHERE idempotency_key = ANY(\(keys))", logger: logger
            ).decode(String.self) {
                messageIDs.append(id)
            }
            let cancelled = try await Self.cancelDeliveries(messageIDs: Array(Set(messageIDs)), now: now, db: db, logger: logger)
            return RunCancellation(runIDs: ids, cancelledDeliveries: cancelled)
        }
        logger.info(
            "cancelled workflow runs",
            metadata: [
                "run.cancellation_key": "\(cancellationKey)", "store.count": "\(result.runIDs.count)",
                "store.deliveries": "\(result.cancelledDeliveries)",
            ])
        return result
    }
}
