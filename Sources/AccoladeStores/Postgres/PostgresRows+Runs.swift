import AccoladeCore
import Foundation
import PostgresNIO

extension PostgresRows {
    /// The `workflow_runs` columns, in the order ``run(_:)`` reads them (as SQLite's).
    static let runColumns = SQLiteRows.runColumns
    /// The `workflow_run_steps` columns after `run_id, ordinal` (as SQLite's).
    static let runStepColumns = SQLiteRows.runStepColumns

    /// `json_to_recordset` column types of a run record.
    static let runRecordType = """
        ord int, id text, workflow text, event text, recipient_name text, recipient_email text, recipient_phone text, \
        recipient_whatsapp text, recipient_locale text, recipient_timezone text, recipient_external_id text, \
        recipient_key text, data text, idempotency_key text, fingerprint text, cancellation_key text, reward_code text, \
        state text, cursor_step int, due_at bigint, deadline bigint, last_message_id text, digest_id text, \
        redeemed_at bigint, reason text, created_at bigint, updated_at bigint
        """
    /// `json_to_recordset` column types of a step record.
    static let runStepRecordType = """
        run_id text, ordinal int, step int, kind text, outcome text, reason text, message_id text, until_at bigint, \
        decided_at bigint
        """

    /// The record of a run (`ord` is its place in the batch).
    static func record(_ r: WorkflowRun, ord: Int) throws(PostgresStoreError) -> [String: JSONValue] {
        let data: String
        do {
            data = try r.data.jsonText()
        } catch {
            throw .unstorableValue(field: "data", reason: error.description)
        }
        let p = r.recipient
        return [
            "ord": .int(Int64(ord)), "id": .string(r.id), "workflow": .string(r.workflow), "event": .string(r.event),
            "recipient_name": text(p.name), "recipient_email": text(p.email), "recipient_phone": text(p.phone),
            "recipient_whatsapp": text(p.whatsapp), "recipient_locale": text(p.locale),
            "recipient_timezone": text(p.timezone), "recipient_external_id": text(p.id),
            "recipient_key": .string(r.recipientKey), "data": .string(data), "idempotency_key": text(r.idempotencyKey),
            "fingerprint": .string(r.fingerprint), "cancellation_key": text(r.cancellationKey),
            "reward_code": text(r.rewardCode), "state": .string(r.state.rawValue), "cursor_step": .int(Int64(r.cursor)),
            "due_at": millis(r.dueAt), "deadline": millis(r.deadline), "last_message_id": text(r.lastMessageID),
            "digest_id": text(r.digestID), "redeemed_at": millis(r.redeemedAt), "reason": text(r.reason),
            "created_at": millis(r.createdAt), "updated_at": millis(r.updatedAt),
        ]
    }

    /// The record of a step record.
    static func record(_ s: RunStepRecord, runID: String, ordinal: Int) -> [String: JSONValue] {
        [
            "run_id": .string(runID), "ordinal": .int(Int64(ordinal)), "step": .int(Int64(s.step)), "kind": .string(s.kind),
            "outcome": .string(s.outcome.rawValue), "reason": text(s.reason), "message_id": text(s.messageID),
            "until_at": millis(s.until), "decided_at": millis(s.at),
        ]
    }

    /// A run from a row selected with ``runColumns``.
    static func run(_ row: PostgresRow) throws -> WorkflowRun {
        let c = row.makeRandomAccess()
        let id = try c[0].decode(String.self)
        let data: JSONValue
        do {
            data = try JSONValue(jsonText: try c[11].decode(String.self))
        } catch {
            throw PostgresStoreError.unreadableRow(table: "workflow_runs", id: id, column: "data", reason: "\(error)")
        }
        return WorkflowRun(
            id: id, workflow: try c[1].decode(String.self), event: try c[2].decode(String.self),
            recipient: Recipient(
                name: try c[3].decode(String?.self), email: try c[4].decode(String?.self),
                phone: try c[5].decode(String?.self), whatsapp: try c[6].decode(String?.self),
                locale: try c[7].decode(String?.self), timezone: try c[8].decode(String?.self),
                id: try c[9].decode(String?.self)),
            recipientKey: try c[10].decode(String.self), data: data, idempotencyKey: try c[12].decode(String?.self),
            fingerprint: try c[13].decode(String.self), cancellationKey: try c[14].decode(String?.self),
            rewardCode: try c[15].decode(String?.self),
            state: try decode(RunState.self, try c[16].decode(String.self), table: "workflow_runs", id: id, column: "state"),
            cursor: try c[17].decode(Int.self), dueAt: StoreTime.date(try c[18].decode(Int64?.self)),
            deadline: StoreTime.date(try c[19].decode(Int64?.self)), lastMessageID: try c[20].decode(String?.self),
            digestID: try c[21].decode(String?.self), redeemedAt: StoreTime.date(try c[22].decode(Int64?.self)),
            reason: try c[23].decode(String?.self), createdAt: StoreTime.date(try c[24].decode(Int64.self)),
            updatedAt: StoreTime.date(try c[25].decode(Int64.self)))
    }

    /// A step record from a row selected with ``runStepColumns``.
    static func runStep(_ row: PostgresRow, runID: String) throws -> RunStepRecord {
        let c = row.makeRandomAccess()
        return RunStepRecord(
            step: try c[0].decode(Int.self), kind: try c[1].decode(String.self),
            outcome: try decode(
                RunStepOutcome.self, try c[2].decode(String.self), table: "workflow_run_steps", id: runID, column: "outcome"),
            reason: try c[3].decode(String?.self), messageID: try c[4].decode(String?.self),
            until: StoreTime.date(try c[5].decode(Int64?.self)), at: StoreTime.date(try c[6].decode(Int64.self)))
    }
}
