import AccoladeCore
import Foundation

/// One advance of one run: walks the steps from the cursor, collecting records and sends,
/// until a step stops it. Built and used by ``WorkflowRunner/advance(_:now:)`` only.
struct RunExecution {
    let claimed: ClaimedRun
    let now: Date
    let workflow: WorkflowDefinition
    /// The recipient's zone.
    let clock: RunClock
    private(set) var sends: [PlannedSend] = []
    private(set) var records: [RunStepRecord] = []

    /// What a step did: the run goes on with the next step, or stops here.
    enum StepResult {
        case proceed
        case stop(RunNext)
    }

    init(claimed: ClaimedRun, now: Date, workflow: WorkflowDefinition, clock: RunClock) {
        self.claimed = claimed
        self.now = now
        self.workflow = workflow
        self.clock = clock
    }

    var run: WorkflowRun { claimed.run }

    /// Runs the steps and returns the plan.
    mutating func plan() -> RunPlan {
        let evaluator = ConditionEvaluator(data: run.data, recipient: run.recipient.conditionValue)
        var index = max(0, run.cursor)
        while index < workflow.steps.count {
            let step = workflow.steps[index]
            if let condition = step.condition, !evaluator.truth(condition.expression) {
                record(index, .skipped, reason: "condition false: " + condition.source)
            } else if case .stop(let next) = execute(step.action, at: index) {
                return RunPlan(sends: sends, records: records, next: next)
            }
            index += 1
        }
        return RunPlan(sends: sends, records: records, next: .finish(.completed, reason: nil))
    }

    private mutating func execute(_ action: WorkflowStep.Action, at index: Int) -> StepResult {
        switch action {
        case .send(let send):
            planSend(send, at: index, data: run.data)
            return .proceed
        case .delay(let delay): return self.delay(delay, at: index)
        case .wait(let wait): return self.wait(wait, at: index)
        case .remind(let remind): return self.remind(remind, at: index)
        case .digest(let digest): return self.digest(digest, at: index)
        case .throttle(let throttle): return self.throttle(throttle, at: index)
        }
    }

    /// The deadline fixed when the run first reached step `index`, if this claim is a return to
    /// it (the cursor is there and has one); nil on a first arrival.
    func resumedDeadline(_ index: Int) -> Date? {
        index == run.cursor ? run.deadline : nil
    }

    /// Whether a step of this advance planned a message: a later `wait` waits on that one, whose
    /// deliveries do not exist yet (``ClaimedRun/lastMessageStates`` are the previous message's).
    var sentInThisAdvance: Bool { !sends.isEmpty }

    mutating func record(_ index: Int, _ outcome: RunStepOutcome, reason: String? = nil, until: Date? = nil) {
        records.append(RunStepRecord(step: index, kind: workflow.steps[index].action.keyword, outcome: outcome, reason: reason, until: until, at: now))
    }

    /// A `sent` record and its message, keyed by run and step so a re-execution replays it.
    mutating func planSend(_ send: WorkflowSend, at index: Int, data: JSONValue, reason: String? = nil) {
        record(index, .sent, reason: reason)
        sends.append(
            PlannedSend(
                step: index, send: send, data: data, idempotencyKey: WorkflowRun.sendIdempotencyKey(runID: run.id, step: index),
                recordIndex: records.count - 1))
    }

    /// A `failed` record and the run's end, the reason naming the step.
    mutating func fail(_ index: Int, _ reason: String) -> StepResult {
        record(index, .failed, reason: reason)
        return .stop(.finish(.failed, reason: "steps[\(index)].\(workflow.steps[index].action.keyword): " + reason))
    }

    /// `ISOTime` text for reasons.
    func text(_ date: Date) -> String { ISOTime.format(date) }
}
