import Foundation

/// What ``WorkflowRunStore/startRuns(_:)`` did with one new run.
public enum RunStartResult: Sendable, Hashable {
    /// Stored now.
    case created(WorkflowRun)
    /// The same trigger (idempotency key × recipient key × workflow, same fingerprint) was
    /// accepted before: the original run.
    case replayed(WorkflowRun)
    /// The idempotency key was used for this recipient and workflow with a different trigger.
    case conflict(existingRunID: String)
}

/// A claimed run with the facts its current step needs, read in the claiming transaction so the
/// engine (``WorkflowRunner`` in AccoladeWorkflows) decides without further queries.
public struct ClaimedRun: Sendable, Hashable {
    /// The run, now ``RunState/running`` under the claimer's lease.
    public var run: WorkflowRun
    /// The states of the deliveries of ``WorkflowRun/lastMessageID`` (empty without one): a
    /// `wait: {for: delivered|read}` is satisfied when any of them reached it.
    public var lastMessageStates: [DeliveryState]
    /// For a run that owns a digest (``WorkflowRun/digestID``) whose window has closed: the
    /// collected events' data, oldest first, the owner's own event first. The claim closes the
    /// digest in the same transaction, so an event arriving later starts a new digest.
    public var digestEvents: [JSONValue]?

    /// Creates a claimed run.
    public init(run: WorkflowRun, lastMessageStates: [DeliveryState] = [], digestEvents: [JSONValue]? = nil) {
        self.run = run
        self.lastMessageStates = lastMessageStates
        self.digestEvents = digestEvents
    }
}
