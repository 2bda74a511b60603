import AccoladeCore
import Foundation

/// Event → runs: which workflows an event starts, and the new runs for one recipient, ready for
/// ``WorkflowRunStore/startRuns(_:)``. Pure: ids come from the caller's `makeID`, time from `now`.
public struct TriggerPlanner: Sendable {
    /// The workflows, in the order given (``WorkflowFolder/definitions`` is file-name order).
    public let workflows: [WorkflowDefinition]
    private let byEvent: [String: [WorkflowDefinition]]

    /// A planner for these workflows.
    public init(workflows: [WorkflowDefinition]) {
        self.workflows = workflows
        self.byEvent = Dictionary(grouping: workflows, by: \.event)
    }

    /// The workflows `on:` this event, in order; empty when none listens (the API answers
    /// `202` with no runs and logs it).
    public func workflows(listeningTo event: String) -> [WorkflowDefinition] {
        byEvent[event] ?? []
    }

    /// One new run per workflow listening to `event`, in order: `scheduled` at step 0, due
    /// `now`. `makeID` returns a UUIDv7 text (`Identifier.make(now:)`); the run id is `run_` and
    /// that. `recipient` must have a key (``Recipient/key``): the caller refuses a recipient
    /// without one before planning.
    public func runs(
        event: String, recipient: Recipient, data: JSONValue, idempotencyKey: String?, cancellationKey: String?, now: Date,
        makeID: () -> String
    ) -> [WorkflowRun] {
        runs(
            event: event, recipients: [recipient], data: data, idempotencyKey: idempotencyKey, cancellationKey: cancellationKey,
            now: now, makeID: makeID
        )[0]
    }

    /// ``runs(event:recipient:data:idempotencyKey:cancellationKey:now:makeID:)`` for each of
    /// `recipients` (one list each, in order), the event's share of the fingerprints computed once.
    public func runs(
        event: String, recipients: [Recipient], data: JSONValue, idempotencyKey: String?, cancellationKey: String?, now: Date,
        makeID: () -> String
    ) -> [[WorkflowRun]] {
        let matched = workflows(listeningTo: event)
        guard !matched.isEmpty else { return recipients.map { _ in [] } }
        let fingerprints = EventFingerprints(event: event, data: data, cancellationKey: cancellationKey)
        let rewardCode = data[path: "reward.code"]?.stringValue
        return recipients.map { recipient in
            runs(
                matched, event: event, recipient: recipient, data: data, idempotencyKey: idempotencyKey, cancellationKey: cancellationKey,
                fingerprint: fingerprints.of(recipient), rewardCode: rewardCode, now: now, makeID: makeID)
        }
    }

    private func runs(
        _ matched: [WorkflowDefinition], event: String, recipient: Recipient, data: JSONValue, idempotencyKey: String?, cancellationKey: String?,
        fingerprint: String, rewardCode: String?, now: Date, makeID: () -> String
    ) -> [WorkflowRun] {
        guard let recipientKey = recipient.key else {
            preconditionFailure("TriggerPlanner.runs needs a recipient with a key (id, email, phone or whatsapp); check Recipient.key first")
        }
        return matched.map { workflow in
            WorkflowRun(
                id: "run_" + makeID(), workflow: workflow.name, event: event, recipient: recipient, recipientKey: recipientKey, data: data,
                idempotencyKey: idempotencyKey, fingerprint: fingerprint, cancellationKey: cancellationKey, rewardCode: rewardCode,
                state: .scheduled, cursor: 0, dueAt: now, createdAt: now, updatedAt: now)
        }
    }

    /// Every message the workflows listening to `event` may send, so the API can check the
    /// event's data against those templates before accepting it (a run whose template cannot
    /// render fails at that step, long after the `202`).
    public func sends(listeningTo event: String) -> [WorkflowSendUse] {
        workflows(listeningTo: event).flatMap { workflow in
            workflow.steps.enumerated().flatMap { index, step in
                step.action.sends.map { send in
                    let isDigest = if case .digest = step.action { true } else { false }
                    return WorkflowSendUse(workflow: workflow.name, step: index, send: send, isDigest: isDigest)
                }
            }
        }
    }
}

/// A message a workflow step may send: what ``TriggerPlanner/sends(listeningTo:)`` lists.
public struct WorkflowSendUse: Sendable, Hashable {
    /// The workflow's name.
    public var workflow: String
    /// The step's index.
    public var step: Int
    /// Template, channels, mode, locale.
    public var send: WorkflowSend
    /// Whether it is a digest's message, whose template also sees `events`.
    public var isDigest: Bool

    /// Creates a use.
    public init(workflow: String, step: Int, send: WorkflowSend, isDigest: Bool) {
        self.workflow = workflow
        self.step = step
        self.send = send
        self.isDigest = isDigest
    }

    /// The data the template will see for an event with `data`: the data itself, or for a
    /// digest the data with `events` holding this event's data alone (what the smallest digest
    /// looks like) — what to validate against the template's schema.
    public func templateData(for data: JSONValue) -> JSONValue {
        isDigest ? PlannedSend.digestData(data, events: [data]) : data
    }
}
