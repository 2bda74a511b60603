import AccoladeCore
import Foundation
import GRDB
import Logging

extension SQLiteStore {
    /// Applies an advance in one write transaction (see ``WorkflowRunStore/advanceRun(_:)``).
    ///
    /// The throttle's count and pass, and the digest's look-up, join or opening, happen under the
    /// one write lock, so concurrent advances of any number of workers and processes count and
    /// collect exactly.
    @discardableResult
    public func advanceRun(_ advance: RunAdvance) async throws -> Bool {
        try await advanceRuns([advance])[0]
    }

    /// Every advance of a worker's batch in one write transaction: one commit instead of one per run.
    public func advanceRuns(_ advances: [RunAdvance]) async throws -> [Bool] {
        try await writeRunBatch(advances, messages: nil)
    }

    /// The batch's messages and advances in one write transaction (one commit per batch): a
    /// run no longer `running` under its claimer gets nothing enqueued and no advance.
    public func advanceRuns(_ advances: [RunAdvance], enqueuing messages: [[EnqueueRequest]]) async throws -> [Bool] {
        precondition(messages.count == advances.count, "one list of messages (maybe empty) per advance")
        return try await writeRunBatch(advances, messages: messages)
    }

    /// Decides the run's change, reading and writing the throttle's passes and the digests.
    static func change(
        for advance: RunAdvance, cursor: Int, workflow: String, recipientKey: String, wokenWhileRunning: Bool, db: Database
    ) throws -> RunChange {
        let now = advance.now
        let nowMillis = StoreTime.millis(now)
        switch advance.next {
        case .wake(let step, let at, let deadline):
            return RunAdvanceRules.wake(
                step: step, at: at, deadline: deadline, cursor: cursor, wokenWhileRunning: wokenWhileRunning, now: now)
        case .finish(let state, let reason):
            guard state.isFinal else {
                throw SQLiteStoreError.unstorableValue(field: "advance of run \(advance.runID)", reason: "finish in non-final state \(state.rawValue)")
            }
            return RunAdvanceRules.finish(state, reason: reason, cursor: cursor)
        case .throttle(let step, let limit, let since, let over):
            let passes =
                try Int.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT COUNT(*) FROM workflow_throttle_passes
                            WHERE workflow = ? AND recipient_key = ? AND passed_at > ?
                            """),
                    arguments: [workflow, recipientKey, StoreTime.millis(since)]) ?? 0
            let (pass, change) = RunAdvanceRules.throttle(step: step, limit: limit, passes: passes, over: over, now: now)
            if pass {
                try db.cachedStatement(
                    sql: "INSERT INTO workflow_throttle_passes (workflow, recipient_key, run_id, passed_at) VALUES (?, ?, ?, ?)"
                ).execute(arguments: [workflow, recipientKey, advance.runID, nowMillis])
            }
            return change
        case .digest(let step, let key, let closesAt):
            // The event data only a digest needs: read here rather than with every advance.
            guard
                let data = try String.fetchOne(
                    db.cachedStatement(sql: "SELECT data FROM workflow_runs WHERE id = ?"), arguments: [advance.runID])
            else {
                throw SQLiteStoreError.unreadableRow(
                    table: "workflow_runs", id: advance.runID, column: "data", reason: "the run's row is gone in mid-advance")
            }
            if let open = try String.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT id FROM workflow_digests
                        WHERE workflow = ? AND step = ? AND digest_key = ? AND state = 'open' AND closes_at > ?
                        ORDER BY closes_at LIMIT 1
                        """),
                arguments: [workflow, step, key, nowMillis])
            {
                try addMember(digestID: open, runID: advance.runID, data: data, now: nowMillis, db: db)
                return RunAdvanceRules.joined(step: step, digestID: open, now: now)
            }
            let id = RunAdvanceRules.digestID(now: now)
            try db.cachedStatement(
                sql: """
                    INSERT INTO workflow_digests (id, workflow, step, digest_key, closes_at, owner_run_id, state, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, 'open', ?)
                    """
            ).execute(arguments: [id, workflow, step, key, StoreTime.millis(closesAt), advance.runID, nowMillis])
            try addMember(digestID: id, runID: advance.runID, data: data, now: nowMillis, db: db)
            return RunAdvanceRules.opened(step: step, digestID: id, closesAt: closesAt, now: now)
        }
    }

    /// Adds a run's event to a digest as its next member (the opener is member 0).
    private static func addMember(digestID: String, runID: String, data: String, now: Int64, db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO workflow_digest_members (digest_id, ordinal, run_id, data, joined_at)
                SELECT ?1, COALESCE(MAX(ordinal) + 1, 0), ?2, ?3, ?4 FROM workflow_digest_members WHERE digest_id = ?1
                """
        ).execute(arguments: [digestID, runID, data, now])
    }

    /// Appends step records after the run's last one.
    static func appendRecords(_ records: [RunStepRecord], runID: String, db: Database) throws {
        guard !records.isEmpty else { return }
        var next =
            try Int.fetchOne(
                db.cachedStatement(sql: "SELECT COALESCE(MAX(ordinal) + 1, 0) FROM workflow_run_steps WHERE run_id = ?"),
                arguments: [runID]) ?? 0
        let insert = try db.cachedStatement(
            sql: "INSERT INTO workflow_run_steps (run_id, ordinal, \(SQLiteRows.runStepColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        for record in records {
            try insert.execute(arguments: SQLiteRows.arguments(for: record, runID: runID, ordinal: next))
            next += 1
        }
    }

    /// Cancels the deliveries of these messages that no worker has claimed; returns how many.
    @discardableResult
    static func cancelDeliveries(messageIDs: [String], now: Date, db: Database) throws -> Int {
        guard !messageIDs.isEmpty else { return 0 }
        try db.cachedStatement(
            sql: """
                UPDATE deliveries SET state = 'cancelled', next_attempt_at = NULL, last_error = ?, updated_at = ?
                WHERE message_id IN (SELECT value FROM json_each(?))
                    AND +state IN (\(DeliveryTransition.sqlList(DeliveryTransition.cancel.sources)))
                """
        ).execute(arguments: [RunAdvanceRules.cancelledDeliveryReason, StoreTime.millis(now), try jsonArray(Array(Set(messageIDs)).sorted())])
        return db.changesCount
    }

    /// Cancels every unfinished run with the key in one write transaction (see
    /// ``WorkflowRunStore/cancelRuns(cancellationKey:now:)``).
    public func cancelRuns(cancellationKey: String, now: Date) async throws -> RunCancellation {
        let nowMillis = StoreTime.millis(now)
        let result = try await writeFolding { db -> RunCancellation in
            let runs = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT id, cursor_step, last_message_id FROM workflow_runs
                        WHERE cancellation_key = ? AND state IN ('scheduled', 'running') ORDER BY id
                        """),
                arguments: [cancellationKey])
            guard !runs.isEmpty else { return RunCancellation(runIDs: [], cancelledDeliveries: 0) }
            var ids: [String] = []
            var messageIDs: [String] = []
            for row in runs {
                let id: String = row[0]
                ids.append(id)
                if let last = row[2] as String? { messageIDs.append(last) }
                try Self.appendRecords(
                    [RunAdvanceRules.cancelled(cursor: row[1], cancellationKey: cancellationKey, now: now)], runID: id, db: db)
            }
            let list = try Self.jsonArray(ids)
            try db.cachedStatement(
                sql: """
                    UPDATE workflow_runs
                    SET state = 'cancelled', reason = ?1, due_at = NULL, deadline = NULL, lease_owner = NULL,
                        lease_expires_at = NULL, wake_pending = 0, updated_at = ?2
                    WHERE id IN (SELECT value FROM json_each(?3))
                    """
            ).execute(arguments: [RunAdvanceRules.cancelledReason, nowMillis, list])
            try db.cachedStatement(
                sql: """
                    UPDATE workflow_digests SET state = 'closed', closed_at = ?1
                    WHERE owner_run_id IN (SELECT value FROM json_each(?2)) AND state = 'open'
                    """
            ).execute(arguments: [nowMillis, list])
            messageIDs += try String.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT DISTINCT message_id FROM workflow_run_steps
                        WHERE run_id IN (SELECT value FROM json_each(?)) AND message_id IS NOT NULL
                        """),
                arguments: [list])
            // Messages a worker enqueued before dying, named in no record yet: by their exact keys.
            messageIDs += try String.fetchAll(
                db.cachedStatement(sql: "SELECT id FROM messages WHERE idempotency_key IN (SELECT value FROM json_each(?))"),
                arguments: [try Self.jsonArray(ids.flatMap(WorkflowRun.sendIdempotencyKeys(runID:)))])
            let cancelled = try Self.cancelDeliveries(messageIDs: Array(Set(messageIDs)), now: now, db: db)
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
