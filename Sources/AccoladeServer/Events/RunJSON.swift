import AccoladeCore
import AccoladeWorkflows
import Foundation

/// The JSON shapes of workflow runs in API responses (snake_case, RFC 3339 times, absent values omitted);
/// `accolade runs --json` prints the same shape, so scripts read one format from both.
public enum RunJSON {
    /// One started run in the answer to an event.
    static func started(_ result: RunStartResult, recipientIndex: Int, recipientKey: String) -> JSONValue? {
        let run: WorkflowRun
        let status: String
        switch result {
        case .created(let r): (run, status) = (r, "created")
        case .replayed(let r): (run, status) = (r, "replayed")
        case .conflict: return nil
        }
        return .object([
            "id": .string(run.id), "workflow": .string(run.workflow), "recipient_index": .int(Int64(recipientIndex)),
            "recipient_key": .string(recipientKey), "status": .string(status), "state": .string(run.state.rawValue),
        ])
    }

    /// The whole run, with its step records and, while it is unfinished, the steps still ahead
    /// (the next one with when it is due).
    public static func run(_ run: WorkflowRun, steps: [RunStepRecord]?, definition: WorkflowDefinition?) -> JSONValue {
        var o: [String: JSONValue] = [
            "id": .string(run.id), "workflow": .string(run.workflow), "event": .string(run.event),
            "to": MessageJSON.recipient(run.recipient), "recipient_key": .string(run.recipientKey), "data": run.data,
            "state": .string(run.state.rawValue), "step": .int(Int64(run.cursor)),
            "created_at": MessageJSON.time(run.createdAt), "updated_at": MessageJSON.time(run.updatedAt),
        ]
        o["idempotency_key"] = run.idempotencyKey.map(JSONValue.string)
        o["cancellation_key"] = run.cancellationKey.map(JSONValue.string)
        o["due_at"] = run.state.isFinal ? nil : run.dueAt.map(MessageJSON.time)
        o["deadline"] = run.state.isFinal ? nil : run.deadline.map(MessageJSON.time)
        o["last_message_id"] = run.lastMessageID.map(JSONValue.string)
        o["redeemed_at"] = run.redeemedAt.map(MessageJSON.time)
        o["reason"] = run.reason.map(JSONValue.string)
        if let steps { o["steps"] = .array(steps.map(record)) }
        if !run.state.isFinal, let definition, run.cursor < definition.steps.count {
            o["upcoming"] = .array(
                definition.steps.indices.dropFirst(run.cursor).map { i in
                    var u: [String: JSONValue] = ["step": .int(Int64(i)), "kind": .string(definition.steps[i].action.keyword)]
                    if i == run.cursor { u["due_at"] = run.dueAt.map(MessageJSON.time) }
                    return .object(u)
                })
        }
        return .object(o)
    }

    /// One step record.
    public static func record(_ r: RunStepRecord) -> JSONValue {
        var o: [String: JSONValue] = [
            "step": .int(Int64(r.step)), "kind": .string(r.kind), "outcome": .string(r.outcome.rawValue), "at": MessageJSON.time(r.at),
        ]
        o["reason"] = r.reason.map(JSONValue.string)
        o["message_id"] = r.messageID.map(JSONValue.string)
        o["until"] = r.until.map(MessageJSON.time)
        return .object(o)
    }
}
