import AccoladeCore
import Foundation
import GRDB

extension SQLiteRows {
    /// The `workflow_runs` columns, in the order ``run(_:)`` reads them (the lease and the wake
    /// flag are the store's own and not part of ``WorkflowRun``).
    static let runColumns = """
        id, workflow, event, recipient_name, recipient_email, recipient_phone, recipient_whatsapp, \
        recipient_locale, recipient_timezone, recipient_external_id, recipient_key, data, idempotency_key, \
        fingerprint, cancellation_key, reward_code, state, cursor_step, due_at, deadline, last_message_id, \
        digest_id, redeemed_at, reason, created_at, updated_at
        """
    /// How many columns ``runColumns`` names.
    static let runColumnCount = 26

    /// The `workflow_run_steps` columns after `run_id, ordinal`, in the order ``runStep(_:runID:)`` reads them.
    static let runStepColumns = "step, kind, outcome, reason, message_id, until_at, decided_at"

    /// Arguments for `INSERT INTO workflow_runs (runColumns)`.
    static func arguments(for r: WorkflowRun) throws(SQLiteStoreError) -> StatementArguments {
        arguments(for: r, dataText: try dataText(of: r))
    }

    /// The `data` column's text of a run.
    static func dataText(of r: WorkflowRun) throws(SQLiteStoreError) -> String {
        do {
            return try r.data.jsonText()
        } catch {
            throw .unstorableValue(field: "data", reason: error.description)
        }
    }

    /// Arguments for `INSERT INTO workflow_runs (runColumns)`, the data already encoded as `data`.
    static func arguments(for r: WorkflowRun, dataText data: String) -> StatementArguments {
        let p = r.recipient
        let values: [(any DatabaseValueConvertible)?] = [
            r.id, r.workflow, r.event, p.name, p.email, p.phone, p.whatsapp, p.locale, p.timezone, p.id, r.recipientKey,
            data, r.idempotencyKey, r.fingerprint, r.cancellationKey, r.rewardCode, r.state.rawValue, r.cursor,
            StoreTime.millis(r.dueAt), StoreTime.millis(r.deadline), r.lastMessageID, r.digestID,
            StoreTime.millis(r.redeemedAt), r.reason, StoreTime.millis(r.createdAt), StoreTime.millis(r.updatedAt),
        ]
        return StatementArguments(values)
    }

    /// Arguments for `INSERT INTO workflow_run_steps (run_id, ordinal, runStepColumns)`.
    static func arguments(for s: RunStepRecord, runID: String, ordinal: Int) -> StatementArguments {
        let values: [(any DatabaseValueConvertible)?] = [
            runID, ordinal, s.step, s.kind, s.outcome.rawValue, s.reason, s.messageID, StoreTime.millis(s.until),
            StoreTime.millis(s.at),
        ]
        return StatementArguments(values)
    }

    /// A run from a row selected with ``runColumns``.
    static func run(_ row: Row) throws(SQLiteStoreError) -> WorkflowRun {
        var parsed: [String: JSONValue] = [:]
        return try run(row, parsed: &parsed)
    }

    /// A run from a row selected with ``runColumns``, its data parsed once per distinct text in
    /// `parsed`: the runs of one event (up to 1,000 recipients) carry the same data.
    static func run(_ row: Row, parsed: inout [String: JSONValue]) throws(SQLiteStoreError) -> WorkflowRun {
        let id: String = row[0]
        let text: String = row[11]
        let data: JSONValue
        if let known = parsed[text] {
            data = known
        } else {
            do {
                data = try JSONValue(jsonText: text)
            } catch {
                throw .unreadableRow(table: "workflow_runs", id: id, column: "data", reason: error.description)
            }
            parsed[text] = data
        }
        guard let state = RunState(rawValue: row[16] as String) else {
            throw .unreadableRow(table: "workflow_runs", id: id, column: "state", reason: "unknown value '\(row[16] as String)'")
        }
        return WorkflowRun(
            id: id, workflow: row[1], event: row[2],
            recipient: Recipient(
                name: row[3], email: row[4], phone: row[5], whatsapp: row[6], locale: row[7], timezone: row[8], id: row[9]),
            recipientKey: row[10], data: data, idempotencyKey: row[12], fingerprint: row[13], cancellationKey: row[14],
            rewardCode: row[15], state: state, cursor: row[17], dueAt: StoreTime.date(row[18] as Int64?),
            deadline: StoreTime.date(row[19] as Int64?), lastMessageID: row[20], digestID: row[21],
            redeemedAt: StoreTime.date(row[22] as Int64?), reason: row[23], createdAt: StoreTime.date(row[24] as Int64),
            updatedAt: StoreTime.date(row[25] as Int64))
    }

    /// A step record from a row selected with ``runStepColumns``.
    static func runStep(_ row: Row, runID: String) throws(SQLiteStoreError) -> RunStepRecord {
        guard let outcome = RunStepOutcome(rawValue: row[2] as String) else {
            throw .unreadableRow(
                table: "workflow_run_steps", id: runID, column: "outcome", reason: "unknown value '\(row[2] as String)'")
        }
        return RunStepRecord(
            step: row[0], kind: row[1], outcome: outcome, reason: row[3], messageID: row[4],
            until: StoreTime.date(row[5] as Int64?), at: StoreTime.date(row[6] as Int64))
    }
}
