import AccoladeCore
import AccoladeWorkflows
import Foundation
import Logging
import Metrics

/// Turns events into durable workflow runs (`POST /v1/events`, `accolade trigger`), records
/// redemptions, and cancels runs by key.
///
/// Everything is checked before anything is stored: the event name, every recipient (its key and
/// addresses) and the data against every template the listening workflows may send, so a missing
/// variable is an error now rather than a failed step days later.
public struct EventDispatcher: Sendable {
    let dispatcher: Dispatcher
    let store: any Store
    let planner: TriggerPlanner
    let wakes: RunWakes?
    let logger: Logger

    /// Creates an event dispatcher over the loaded workflows.
    public init(dispatcher: Dispatcher, store: any Store, workflows: [WorkflowDefinition], wakes: RunWakes? = nil, logger: Logger) {
        self.dispatcher = dispatcher
        self.store = store
        self.planner = TriggerPlanner(workflows: workflows)
        self.wakes = wakes
        self.logger = logger
    }

    /// Validates the event and starts one run per recipient and listening workflow, in one
    /// transaction, or records a redemption. Throws ``ValidationError`` for bad input (nothing stored).
    public func trigger(_ request: EventRequest) async throws -> EventOutcome {
        try check(request)
        if request.event == EventRequest.redemption && request.recipients.isEmpty {
            return .redeemed(runIDs: try await redeem(request.data))
        }
        let workflows = planner.workflows(listeningTo: request.event)
        if workflows.isEmpty {
            logger.info("event no workflow listens to", metadata: ["event": "\(request.event)", "recipients": "\(request.recipients.count)"])
            return .runs(request.recipients.enumerated().map { RecipientRuns(index: $0.offset, recipientKey: $0.element.key ?? "", results: []) })
        }
        let now = dispatcher.clock.now()
        let planned = planner.runs(
            event: request.event, recipients: request.recipients, data: request.data, idempotencyKey: request.idempotencyKey,
            cancellationKey: request.cancellationKey, now: now, makeID: { Identifier.make(now: now) })
        let runs = planned.flatMap { $0 }
        let counts = planned.map(\.count)
        let results = try await store.startRuns(runs)
        var outcome: [RecipientRuns] = []
        var offset = 0
        for (index, recipient) in request.recipients.enumerated() {
            let mine = Array(results[offset..<offset + counts[index]])
            offset += counts[index]
            outcome.append(RecipientRuns(index: index, recipientKey: recipient.key ?? "", results: mine))
        }
        // One counter handle per workflow and result, not per run (a handle takes the registry's lock).
        var started: [String: [String: Int]] = [:]
        for (run, result) in zip(runs, results) {
            let label = switch result { case .created: "created"; case .replayed: "replayed"; case .conflict: "conflict" }
            started[run.workflow, default: [:]][label, default: 0] += 1
        }
        for (workflow, byResult) in started {
            for (label, count) in byResult {
                Counter(label: "accolade_workflow_runs_started_total", dimensions: [("workflow", workflow), ("result", label)]).increment(by: count)
            }
        }
        wakes?.wake()
        return .runs(outcome)
    }

    /// Cancels every unfinished run started with `key` (see ``WorkflowRunStore/cancelRuns(cancellationKey:now:)``).
    public func cancel(cancellationKey key: String) async throws -> RunCancellation {
        try RequestKey.check(key, field: "cancellation_key")
        let result = try await store.cancelRuns(cancellationKey: key, now: dispatcher.clock.now())
        logger.info("runs cancelled", metadata: ["cancellation_key": "\(key)", "runs": "\(result.runIDs.count)", "deliveries": "\(result.cancelledDeliveries)"])
        return result
    }

    private func redeem(_ data: JSONValue) async throws -> [String] {
        let messageID = data.objectValue?["message_id"]?.stringValue
        let code = data.objectValue?["reward"]?.objectValue?["code"]?.stringValue
        // The value redeemed, when the event says (`value`: money or points); else what was issued.
        let given = data.objectValue?["value"]
        let value = given.flatMap { MessageValues.money($0) ?? MicroMoney.micros(of: $0).map { MicroMoney(micros: $0, currency: MicroMoney.points) } }
        let matched = try await store.recordRedemption(messageID: messageID, rewardCode: code, at: dispatcher.clock.now(), value: value)
        if matched.isEmpty {
            logger.notice("redemption matched no run", metadata: ["message.id": "\(messageID ?? "")", "reward.code": "\(code ?? "")"])
        }
        return matched
    }
}
