import AccoladeCore
import AccoladeWorkflows
import Foundation
import Metrics

extension RunWorker {
    /// Executes a claimed batch: decide every run, then hand the store all their messages and
    /// advances at once (``Store/advanceRuns(_:enqueuing:)``: on SQLite one transaction, so one
    /// commit per batch rather than per run or per kind of write — the store's commit is the
    /// cost). Rendering happens before, outside the store's write lock. Where the messages and
    /// the advances are written apart, the messages go first, so a crash in between
    /// re-executes the runs and replays them.
    func execute(_ claimed: [ClaimedRun]) async throws {
        let now = clock.now()
        var plans: [RunPlan] = []
        var advances: [RunAdvance] = []
        var messages: [[EnqueueRequest]] = []
        plans.reserveCapacity(claimed.count)
        advances.reserveCapacity(claimed.count)
        messages.reserveCapacity(claimed.count)
        for item in claimed {
            var plan = runner.advance(item, now: now)
            var requests: [EnqueueRequest] = []
            var messageIDs: [String?] = []
            sends: for (index, planned) in plan.sends.enumerated() {
                switch prepare(planned, for: item.run) {
                case .ready(var request):
                    if planned.send.optimalSendAt { request = try await dispatcher.pickSendTime(request) }
                    requests.append(request)
                    messageIDs.append(request.message.id)
                case .skipped(let reason):
                    plan.records[planned.recordIndex].outcome = .skipped
                    plan.records[planned.recordIndex].reason = reason
                    messageIDs.append(nil)
                case .failed(let reason):
                    // The run cannot go on as written: what came before this step stands, this
                    // step fails with the reason, and so does the run (`accolade runs show`).
                    plan = plan.failing(sendAt: index, reason: reason)
                    break sends
                }
            }
            // The planned ids; the store writes the ids its enqueue resolved them to (a replay's).
            advances.append(plan.advance(runID: item.run.id, leaseOwner: settings.owner, messageIDs: messageIDs, now: now))
            messages.append(requests)
            plans.append(plan)
        }
        let applied = try await store.advanceRuns(advances, enqueuing: messages)
        var steps: [StepOutcomeKey: Int] = [:]
        var finished: [RunFinishKey: Int] = [:]
        for ((item, plan), ok) in zip(zip(claimed, plans), applied) {
            let run = item.run
            guard ok else {
                logger.notice("run changed under this worker (cancelled or lease lost); its advance was not written", metadata: ["run.id": "\(run.id)"])
                continue
            }
            for record in plan.records {
                steps[StepOutcomeKey(workflow: run.workflow, kind: record.kind, outcome: record.outcome.rawValue), default: 0] += 1
            }
            if case .finish(let state, let reason) = plan.next {
                finished[RunFinishKey(workflow: run.workflow, state: state.rawValue), default: 0] += 1
                logger.debug("run finished", metadata: ["run.id": "\(run.id)", "workflow": "\(run.workflow)", "state": "\(state.rawValue)", "reason": "\(reason ?? "")"])
            }
        }
        // One counter handle per label set and batch: making a handle takes the metrics
        // registry's lock, which per record would cost more than the count.
        for (key, count) in steps {
            Counter(label: "accolade_workflow_steps_total", dimensions: [("workflow", key.workflow), ("step", key.kind), ("outcome", key.outcome)])
                .increment(by: count)
        }
        for (key, count) in finished {
            Counter(label: "accolade_workflow_runs_finished_total", dimensions: [("workflow", key.workflow), ("state", key.state)]).increment(by: count)
        }
    }

    private struct StepOutcomeKey: Hashable {
        var workflow: String
        var kind: String
        var outcome: String
    }

    private struct RunFinishKey: Hashable {
        var workflow: String
        var state: String
    }

    private enum Prepared {
        case ready(EnqueueRequest)
        case skipped(String)
        case failed(String)
    }

    /// The message a planned send makes, through the same checks and rendering as any send. A
    /// recipient with no address for any of the send's channels is skipped, not failed: a
    /// journey may name WhatsApp first for those who have it.
    private func prepare(_ planned: PlannedSend, for run: WorkflowRun) -> Prepared {
        let send = planned.send
        // The send's channels this process can use and the recipient has an address for: a
        // journey naming WhatsApp first still reaches people without it, and a channel switched
        // off (credentials unset) is left out rather than failing the run.
        let named = send.channels ?? dispatcher.channels.kinds.filter { dispatcher.renderer.channels(of: send.template).contains($0) }
        let reachable = named.filter { dispatcher.channels[$0] != nil && SendValidation.hasAddress(run.recipient, for: $0) }
        guard !reachable.isEmpty else {
            let off = named.compactMap { kind in dispatcher.channels.disabledReason(kind).map { "\(kind.rawValue): \($0)" } }
            return .skipped(
                "recipient has no address for \(named.map(\.rawValue).joined(separator: ", ")) that this deployment can send"
                    + (off.isEmpty ? "" : " (" + off.joined(separator: "; ") + ")"))
        }
        var request = SendRequest(
            template: send.template, recipient: run.recipient, data: planned.data, locale: send.locale,
            channels: send.channels == nil ? nil : reachable, mode: send.mode, idempotencyKey: planned.idempotencyKey)
        request.workflowCategory = runner.workflows[run.workflow]?.category
        request.workflowRewardValuePaths = runner.workflows[run.workflow]?.rewardValuePaths ?? []
        request.optimalSendAt = send.optimalSendAt
        request.workflow = run.workflow
        do throws(ValidationError) {
            return .ready(try dispatcher.prepare(request))
        } catch {
            return .failed("\(send.template): \(error)")
        }
    }
}
