import AccoladeCore
import AccoladeWorkflows
import Foundation
import Metrics

extension RunWorker {
    /// Executes a claimed batch: decide every run, enqueue all their messages in one transaction,
    /// then write all the advances in one (one commit each per batch, not per run — the store's
    /// commit is the cost). The messages go first, so a crash in between re-executes the runs and
    /// replays them.
    func execute(_ claimed: [ClaimedRun]) async throws {
        let now = clock.now()
        var plans: [RunPlan] = []
        var requests: [(run: Int, send: Int, request: EnqueueRequest)] = []
        for (r, item) in claimed.enumerated() {
            var plan = runner.advance(item, now: now)
            sends: for (index, planned) in plan.sends.enumerated() {
                switch prepare(planned, for: item.run) {
                case .ready(let request):
                    requests.append((r, index, request))
                case .skipped(let reason):
                    plan.records[planned.recordIndex].outcome = .skipped
                    plan.records[planned.recordIndex].reason = reason
                case .failed(let reason):
                    // The run cannot go on as written: what came before this step stands, this
                    // step fails with the reason, and so does the run (`accolade runs show`).
                    plan = plan.failing(sendAt: index, reason: reason)
                    requests.removeAll { $0.run == r && $0.send >= index }
                    break sends
                }
            }
            plans.append(plan)
        }
        var messageIDs = plans.map { [String?](repeating: nil, count: $0.sends.count) }
        if !requests.isEmpty {
            let results = try await store.enqueue(requests.map(\.request))
            for (entry, result) in zip(requests, results) {
                switch result {
                case .created(let m, _), .replayed(let m, _): messageIDs[entry.run][entry.send] = m.id
                // Same run and step, different content (the template changed between a crash and
                // this re-execution): the message already made stands.
                case .conflict(let existing): messageIDs[entry.run][entry.send] = existing
                }
            }
        }
        let advances = zip(claimed, zip(plans, messageIDs)).map { item, pair in
            pair.0.advance(runID: item.run.id, leaseOwner: settings.owner, messageIDs: pair.1, now: now)
        }
        let applied = try await store.advanceRuns(advances)
        for ((item, plan), ok) in zip(zip(claimed, plans), applied) {
            let run = item.run
            guard ok else {
                logger.notice("run changed under this worker (cancelled or lease lost); its advance was not written", metadata: ["run.id": "\(run.id)"])
                continue
            }
            for record in plan.records {
                Counter(label: "accolade_workflow_steps_total", dimensions: [("workflow", run.workflow), ("step", record.kind), ("outcome", record.outcome.rawValue)]).increment()
            }
            if case .finish(let state, let reason) = plan.next {
                Counter(label: "accolade_workflow_runs_finished_total", dimensions: [("workflow", run.workflow), ("state", state.rawValue)]).increment()
                logger.debug("run finished", metadata: ["run.id": "\(run.id)", "workflow": "\(run.workflow)", "state": "\(state.rawValue)", "reason": "\(reason ?? "")"])
            }
        }
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
        do throws(ValidationError) {
            return .ready(try dispatcher.prepare(request))
        } catch {
            return .failed("\(send.template): \(error)")
        }
    }
}
