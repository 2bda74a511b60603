import AccoladeCore
import Foundation

/// The workflow engine: given a claimed run and the time, decides what its due steps do.
///
/// Pure — no I/O, no clock: the worker claims runs from the ``WorkflowRunStore``, calls
/// ``advance(_:now:)``, enqueues the planned sends, and writes the plan back with
/// ``WorkflowRunStore/advanceRun(_:)``. The same claimed run at the same `now` always gives the
/// same plan, and its sends always carry the same idempotency keys, which is what makes a run
/// re-executed after a crash replay rather than repeat its messages.
///
/// Steps run from ``WorkflowRun/cursor`` in order until one must wait (`delay`, `wait`,
/// `remind`, an owned `digest` still open → ``RunNext/wake(step:at:deadline:)``), one needs the
/// store (`throttle`, a `digest` reached → ``RunNext/throttle(step:limit:since:over:)``,
/// ``RunNext/digest(step:key:closesAt:)``), a step fails (``RunNext/finish(_:reason:)`` with
/// ``RunState/failed``), or the steps end (``RunState/completed``). Each step's rules are on
/// the `RunExecution` methods that carry them out.
public struct WorkflowRunner: Sendable {
    /// The workflows by name (the first of a name wins; the folder refuses duplicates anyway).
    public let workflows: [String: WorkflowDefinition]
    /// The zone of a recipient without a (known) `timezone`.
    public let defaultTimeZone: TimeZone

    /// An engine for these workflows.
    public init(workflows: [WorkflowDefinition], defaultTimeZone: TimeZone = .gmt) {
        self.workflows = Dictionary(workflows.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.defaultTimeZone = defaultTimeZone
    }

    /// Executes `claimed`'s due steps as of `now`.
    ///
    /// A run whose workflow is no longer defined (its file was removed between the trigger and
    /// now) fails with a reason saying so; one whose cursor is past the (possibly shortened)
    /// steps completes.
    public func advance(_ claimed: ClaimedRun, now: Date) -> RunPlan {
        guard let workflow = workflows[claimed.run.workflow] else {
            let reason = "workflow \"\(claimed.run.workflow)\" is no longer defined (its file was removed from the workflows folder or renamed)"
            return RunPlan(sends: [], records: [], next: .finish(.failed, reason: reason))
        }
        var execution = RunExecution(
            claimed: claimed, now: now, workflow: workflow, clock: RunClock(recipient: claimed.run.recipient, defaultTimeZone: defaultTimeZone))
        return execution.plan()
    }
}
