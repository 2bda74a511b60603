import AccoladeCore
import Foundation
import GRDB
import Logging

extension SQLiteStore {
    /// What the batch write reads of each run once, in one query, instead of per advance.
    private struct RunFacts {
        var state: String
        var leaseOwner: String?
        var cursor: Int
        var workflow: String
        var recipientKey: String
        var wokenWhileRunning: Bool
        /// The ordinal the run's next step record gets.
        var nextOrdinal: Int
    }

    /// Writes a run worker's batch in one write transaction: for each advance still held by its
    /// claimer, its messages (when given) and then its records and run change; an advance no
    /// longer held writes nothing (and, if its run was cancelled, cancels the unclaimed
    /// deliveries of the messages it names — enqueued by an earlier call). The runs' facts are
    /// read in one query and the step records inserted many rows per statement: per run, the
    /// batch costs one `UPDATE` and its share of a few statements.
    func writeRunBatch(_ advances: [RunAdvance], messages: [[EnqueueRequest]]?) async throws -> [Bool] {
        guard !advances.isEmpty else { return [] }
        // A run named twice (no worker does that) is written one advance at a time, in order.
        if Set(advances.map(\.runID)).count != advances.count {
            var applied: [Bool] = []
            for (index, advance) in advances.enumerated() {
                applied += try await writeRunBatch([advance], messages: messages.map { [$0[index]] })
            }
            return applied
        }
        // Encode outside the write lock.
        let encoded = try messages.map { lists in try lists.map(Self.enqueueRows) }
        let ids = try Self.jsonArray(advances.map(\.runID))
        let outcome = try await pool.write { db -> (applied: [Bool], created: Bool, dueNow: Bool) in
            let facts = try Self.runFacts(ids: ids, db: db)
            var applied: [Bool] = []
            applied.reserveCapacity(advances.count)
            var records: [(runID: String, ordinal: Int, record: RunStepRecord)] = []
            var created = false
            var dueNow = false
            for (index, planned) in advances.enumerated() {
                guard let run = facts[planned.runID] else {
                    applied.append(false)
                    continue
                }
                guard run.state == RunState.running.rawValue, run.leaseOwner == planned.leaseOwner else {
                    if run.state == RunState.cancelled.rawValue {
                        // Cancelled while this worker ran its steps: what they sent must not go out.
                        let named = planned.records.compactMap(\.messageID) + [planned.lastMessageID].compactMap { $0 }
                        try Self.cancelDeliveries(messageIDs: named, now: planned.now, db: db)
                    }
                    applied.append(false)
                    continue
                }
                var advance = planned
                if let messages, let encoded, !messages[index].isEmpty {
                    let results = try Self.insertMessages(messages[index], rows: encoded[index], db: db)
                    var resolved: [String: String] = [:]
                    for (request, result) in zip(messages[index], results) {
                        if case .created = result { created = true }
                        if result.messageID != request.message.id { resolved[request.message.id] = result.messageID }
                    }
                    advance = advance.resolvingMessageIDs(resolved)
                }
                let change = try Self.change(
                    for: advance, cursor: run.cursor, workflow: run.workflow, recipientKey: run.recipientKey,
                    wokenWhileRunning: run.wokenWhileRunning, db: db)
                for (offset, record) in (advance.records + change.records).enumerated() {
                    records.append((advance.runID, run.nextOrdinal + offset, record))
                }
                try Self.writeChange(change, of: advance, db: db)
                if change.state == .scheduled, let due = change.dueAt, due <= advance.now { dueNow = true }
                applied.append(true)
            }
            try Self.insertRecords(records, db: db)
            return (applied, created, dueNow)
        }
        // The delivery worker (new messages) and a run worker (a run due now) of this process look at once.
        if outcome.created || outcome.dueNow { signals.signal() }
        for (advance, ok) in zip(advances, outcome.applied) where !ok {
            logger.warning(
                "ignored a workflow run advance reported after the lease was lost",
                metadata: ["run.id": "\(advance.runID)", "worker.owner": "\(advance.leaseOwner)"])
        }
        return outcome.applied
    }

    /// The facts of the runs with these ids (a JSON array), by id.
    private static func runFacts(ids: String, db: Database) throws -> [String: RunFacts] {
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT r.id, r.state, r.lease_owner, r.cursor_step, r.workflow, r.recipient_key, r.wake_pending,
                        (SELECT COALESCE(MAX(s.ordinal) + 1, 0) FROM workflow_run_steps s WHERE s.run_id = r.id)
                    FROM workflow_runs r WHERE r.id IN (SELECT value FROM json_each(?))
                    """),
            arguments: [ids])
        var facts: [String: RunFacts] = [:]
        facts.reserveCapacity(rows.count)
        for row in rows {
            facts[row[0]] = RunFacts(
                state: row[1], leaseOwner: row[2], cursor: row[3], workflow: row[4], recipientKey: row[5],
                wokenWhileRunning: (row[6] as Int) != 0, nextOrdinal: row[7])
        }
        return facts
    }

    /// Writes an applied advance's change to its run (and closes a digest it gives up).
    private static func writeChange(_ change: RunChange, of advance: RunAdvance, db: Database) throws {
        let nowMillis = StoreTime.millis(advance.now)
        if change.closesOwnedDigest {
            try db.cachedStatement(
                sql: "UPDATE workflow_digests SET state = 'closed', closed_at = ? WHERE owner_run_id = ? AND state = 'open'"
            ).execute(arguments: [nowMillis, advance.runID])
        }
        let (keepDigest, digest) = change.digestColumn
        try db.cachedStatement(
            sql: """
                UPDATE workflow_runs
                SET state = ?1, cursor_step = ?2, due_at = ?3, deadline = ?4,
                    digest_id = CASE WHEN ?5 THEN digest_id ELSE ?6 END,
                    reason = ?7, last_message_id = COALESCE(?8, last_message_id),
                    lease_owner = NULL, lease_expires_at = NULL, wake_pending = 0, updated_at = ?9
                WHERE id = ?10
                """
        ).execute(arguments: [
            change.state.rawValue, change.cursor, StoreTime.millis(change.dueAt), StoreTime.millis(change.deadline),
            keepDigest, digest, change.reason, advance.lastMessageID, nowMillis, advance.runID,
        ])
    }

    /// Step records per multi-row `INSERT` (9 values each, far under SQLite's variable limit).
    private static let recordsPerInsert = 64

    /// Inserts step records, many rows per statement.
    private static func insertRecords(_ records: [(runID: String, ordinal: Int, record: RunStepRecord)], db: Database) throws {
        var start = 0
        while start < records.count {
            let chunk = records[start..<min(start + recordsPerInsert, records.count)]
            let statement = try db.cachedStatement(
                sql: "INSERT INTO workflow_run_steps (run_id, ordinal, \(SQLiteRows.runStepColumns)) VALUES "
                    + Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, ?)", count: chunk.count).joined(separator: ", "))
            var values: [DatabaseValue] = []
            values.reserveCapacity(chunk.count * 9)
            for (runID, ordinal, record) in chunk {
                values.append(contentsOf: SQLiteRows.values(for: record, runID: runID, ordinal: ordinal))
            }
            try statement.execute(arguments: StatementArguments(values))
            start += chunk.count
        }
    }
}
