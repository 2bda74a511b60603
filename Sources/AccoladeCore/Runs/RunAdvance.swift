import Foundation

/// What a worker writes after executing a claimed run's due steps: the records of what happened,
/// and where the run goes next. ``WorkflowRunStore/advanceRun(_:)`` applies it in one transaction,
/// only while the run is still ``RunState/running`` under ``leaseOwner``.
///
/// Messages the steps created are enqueued *before* the advance (``Store/enqueue(_:)`` with
/// ``WorkflowRun/sendIdempotencyKey(runID:step:)``), so a crash between the two re-executes the
/// steps and replays, never duplicates, the messages.
public struct RunAdvance: Sendable, Hashable {
    /// The run.
    public var runID: String
    /// The worker that must still hold the lease.
    public var leaseOwner: String
    /// Step records to append, in order.
    public var records: [RunStepRecord]
    /// The run's new ``WorkflowRun/lastMessageID`` when a step sent something (nil: unchanged).
    public var lastMessageID: String?
    /// Where the run goes next.
    public var next: RunNext
    /// When the advance was decided.
    public var now: Date

    /// Creates an advance.
    public init(runID: String, leaseOwner: String, records: [RunStepRecord], lastMessageID: String? = nil, next: RunNext, now: Date) {
        self.runID = runID
        self.leaseOwner = leaseOwner
        self.records = records
        self.lastMessageID = lastMessageID
        self.next = next
        self.now = now
    }
}

/// Where a run goes after an advance.
public enum RunNext: Sendable, Hashable {
    /// Scheduled at `step` at `at` (now, or a delay/wait/reminder moment), with the step's
    /// `deadline` (when the step goes on by itself, fixed when the run first reached it, so an
    /// early wake — a receipt, a redemption — does not move it; nil for none). When `step` is the
    /// run's current cursor the run keeps its ``WorkflowRun/digestID`` (a digest owner woken
    /// early goes back to waiting); moving to another step clears it. A run woken while it was
    /// running (a receipt of its last message or a redemption arrived after the claim read its
    /// facts) is scheduled at the advance's `now` instead of a later `at`, so it looks again.
    case wake(step: Int, at: Date, deadline: Date?)
    /// The run is over in this state (``RunState/completed`` or ``RunState/failed``) with `reason`.
    case finish(RunState, reason: String?)
    /// The run reached a `throttle` step (index `step`): in the advance's transaction the store
    /// counts the passes recorded for (`workflow`, recipient key) since `since`. Below `limit` it
    /// records a pass (`passed` record) and schedules the run at `step + 1` now; otherwise
    /// (`throttled` record) it does `over`.
    case throttle(step: Int, limit: Int, since: Date, over: ThrottleOverflow)
    /// The run reached a `digest` step (index `step`) with digest key `key`: in the advance's
    /// transaction the store looks for an open digest of (workflow, step, key) closing after now.
    /// If there is one, this run's event joins it (`folded` record naming the digest) and the run
    /// completes; otherwise it opens one closing at `closesAt`, owned by this run, and schedules
    /// the run at `step` at `closesAt` with that as its deadline (`waiting` record); the claim
    /// at or after `closesAt` closes the digest and hands its events over (``ClaimedRun/digestEvents``).
    case digest(step: Int, key: String, closesAt: Date)
}

/// What happens to a run over a throttle's limit.
public enum ThrottleOverflow: Sendable, Hashable {
    /// The run completes (reason "throttled: …").
    case finish(reason: String)
    /// The run is scheduled now at the workflow's next `digest` step (index).
    case goToDigest(step: Int)
}
