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
    /// read in one query, and the runs' changes and step records written with one statement each
    /// from a JSON text (`json_each`): per run, the batch costs its share of a few statements
    /// rather than a statement and a list of bound values of its own.
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
        let outcome = try await writeFolding { db -> (applied: [Bool], created: Bool, dueNow: Bool) in
            let facts = try Self.runFacts(ids: ids, db: db)
            var applied: [Bool] = []
            applied.reserveCapacity(advances.count)
            var records: [JSONValue] = []
            var changes: [JSONValue] = []
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
                    records.append(Self.recordRow(record, runID: advance.runID, ordinal: run.nextOrdinal + offset))
                }
                try Self.closeOwnedDigest(change, of: advance, db: db)
                changes.append(Self.changeRow(change, of: advance))
                if change.state == .scheduled, let due = change.dueAt, due <= advance.now { dueNow = true }
                applied.append(true)
            }
            try Self.updateRuns(changes, db: db)
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

    /// Closes the digest an applied advance's run gives up, if it does.
    private static func closeOwnedDigest(_ change: RunChange, of advance: RunAdvance, db: Database) throws {
        guard change.closesOwnedDigest else { return }
        try db.cachedStatement(
            sql: "UPDATE workflow_digests SET state = 'closed', closed_at = ? WHERE owner_run_id = ? AND state = 'open'"
        ).execute(arguments: [StoreTime.millis(advance.now), advance.runID])
    }

    /// One run's change as a row of ``updateRuns(_:db:)``'s JSON text.
    private static func changeRow(_ change: RunChange, of advance: RunAdvance) -> JSONValue {
        let (keepDigest, digest) = change.digestColumn
        return .array([
            .string(advance.runID), .string(change.state.rawValue), .int(Int64(change.cursor)),
            millis(change.dueAt), millis(change.deadline), .int(keepDigest ? 1 : 0), string(digest),
            string(change.reason), string(advance.lastMessageID), .int(StoreTime.millis(advance.now)),
        ])
    }

    /// Writes the applied advances' changes to their runs with one `UPDATE … FROM json_each`: the
    /// rows bind as one text, where one statement per run cost more in Swift (arguments, a step
    /// per run) than in SQLite. Each run is looked up by its primary key.
    private static func updateRuns(_ changes: [JSONValue], db: Database) throws {
        guard !changes.isEmpty else { return }
        try db.cachedStatement(
            sql: """
                UPDATE workflow_runs
                SET state = u.state, cursor_step = u.cursor, due_at = u.due_at, deadline = u.deadline,
                    digest_id = CASE WHEN u.keep_digest THEN workflow_runs.digest_id ELSE u.digest_id END,
                    reason = u.reason, last_message_id = COALESCE(u.last_message_id, workflow_runs.last_message_id),
                    lease_owner = NULL, lease_expires_at = NULL, wake_pending = 0, updated_at = u.now
                FROM (
                    SELECT json_extract(value, '$[0]') AS id, json_extract(value, '$[1]') AS state,
                        json_extract(value, '$[2]') AS cursor, json_extract(value, '$[3]') AS due_at,
                        json_extract(value, '$[4]') AS deadline, json_extract(value, '$[5]') AS keep_digest,
                        json_extract(value, '$[6]') AS digest_id, json_extract(value, '$[7]') AS reason,
                        json_extract(value, '$[8]') AS last_message_id, json_extract(value, '$[9]') AS now
                    FROM json_each(?)
                ) AS u
                WHERE workflow_runs.id = u.id
                """
        ).execute(arguments: [try JSONValue.array(changes).jsonText()])
    }

    /// One step record as a row of ``insertRecords(_:db:)``'s JSON text.
    private static func recordRow(_ record: RunStepRecord, runID: String, ordinal: Int) -> JSONValue {
        .array([
            .string(runID), .int(Int64(ordinal)), .int(Int64(record.step)), .string(record.kind),
            .string(record.outcome.rawValue), string(record.reason), string(record.messageID), millis(record.until),
            .int(StoreTime.millis(record.at)),
        ])
    }

    /// Inserts step records with one `INSERT … SELECT … FROM json_each`, the rows bound as one text.
    private static func insertRecords(_ records: [JSONValue], db: Database) throws {
        guard !records.isEmpty else { return }
        try db.cachedStatement(
            sql: """
                INSERT INTO workflow_run_steps (run_id, ordinal, \(SQLiteRows.runStepColumns))
                SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'),
                    json_extract(value, '$[3]'), json_extract(value, '$[4]'), json_extract(value, '$[5]'),
                    json_extract(value, '$[6]'), json_extract(value, '$[7]'), json_extract(value, '$[8]')
                FROM json_each(?)
                """
        ).execute(arguments: [try JSONValue.array(records).jsonText()])
    }

    private static func string(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
    private static func millis(_ date: Date?) -> JSONValue { StoreTime.millis(date).map(JSONValue.int) ?? .null }
}
