import Foundation

/// Durable workflow runs, in the store every process shares: started by `POST /v1/events`,
/// claimed and advanced by workers under leases, cancelled by key, matched by redemptions.
///
/// Every method is one transaction. Like deliveries, a run is never returned to two claimers at
/// once, and an advance applies only while its claimer still holds the lease.
public protocol WorkflowRunStore: Sendable {
    /// Stores new runs in one transaction (scheduled at their ``WorkflowRun/dueAt``). A run whose
    /// (idempotency key, recipient key, workflow) exists already writes nothing: `replayed` when
    /// the stored fingerprint matches, else `conflict`. Results are in input order.
    func startRuns(_ runs: [WorkflowRun]) async throws -> [RunStartResult]

    /// Claims up to `limit` runs that are due (`scheduled` with `due_at <= now`) or whose
    /// claimer's lease expired (`running`, lease past by the store's clock), oldest due first,
    /// marks them `running` under a lease for `owner` until the store's clock plus `lease`, and
    /// returns them with their facts (``ClaimedRun``).
    func claimRuns(owner: String, limit: Int, now: Date, lease: TimeInterval) async throws -> [ClaimedRun]

    /// Extends `owner`'s leases on these running runs (the worker's heartbeat). Returns how many it still held.
    @discardableResult
    func extendRunLeases(owner: String, runIDs: [String], now: Date, lease: TimeInterval) async throws -> Int

    /// Applies an advance (see ``RunAdvance`` and ``RunNext``) in one transaction. Returns false
    /// and changes nothing when the run is no longer `running` under `advance.leaseOwner`; if it
    /// was cancelled meanwhile, the not-yet-claimed deliveries of the messages the advance's
    /// records name are cancelled too (their outcome must not stand).
    @discardableResult
    func advanceRun(_ advance: RunAdvance) async throws -> Bool

    /// Applies several advances (of different runs) as ``advanceRun(_:)`` would, results in input
    /// order. A store may write them in one transaction (SQLite: one commit for a worker's whole
    /// batch); each still applies only under its own lease.
    func advanceRuns(_ advances: [RunAdvance]) async throws -> [Bool]

    /// Returns `owner`'s running runs to `scheduled` (due now) without other change (graceful shutdown).
    @discardableResult
    func releaseRuns(owner: String, runIDs: [String], now: Date) async throws -> Int

    /// Cancels every unfinished run with this cancellation key: each gets a `cancelled` record
    /// and state, gives up a digest it owns (the digest closes; its members stay folded), and the
    /// deliveries of its messages that no worker has claimed (pending, scheduled, available,
    /// retryable) become `cancelled`. A delivery already running finishes and its outcome stands.
    func cancelRuns(cancellationKey: String, now: Date) async throws -> RunCancellation

    /// Records a redemption: every run that sent the message `messageID`, or whose
    /// ``WorkflowRun/rewardCode`` is `rewardCode`, gets ``WorkflowRun/redeemedAt`` (the first one
    /// stands) and, if scheduled, is woken (due now) so a `wait: {for: redeemed}` goes on at once;
    /// if running, its advance schedules it now (see ``RunNext/wake(step:at:deadline:)``).
    /// Returns the ids of the runs it matched (empty when none: the caller says so).
    ///
    /// In the same transaction it records the redeemed messages for reports
    /// (`message_redemptions`): the message `messageID`, and each matching run's issuing message
    /// (its first message with a reward value, else its first), each once (the first stands),
    /// valued at `value` when the event gives one, else at the message's issued value.
    func recordRedemption(messageID: String?, rewardCode: String?, at time: Date, value: MicroMoney?) async throws -> [String]

    /// The run with this id.
    func run(id: String) async throws -> WorkflowRun?
    /// The run's step records, oldest first.
    func runSteps(runID: String) async throws -> [RunStepRecord]
    /// Runs matching `query`, newest first, at most `query.limit`.
    func runs(matching query: RunQuery) async throws -> [WorkflowRun]
}

/// The filters of a run listing (`GET /v1/runs`, `accolade runs list`).
public struct RunQuery: Sendable, Hashable {
    /// Only runs of this workflow.
    public var workflow: String?
    /// Only runs for this recipient key.
    public var recipientKey: String?
    /// Only runs in these states (all when empty).
    public var states: Set<RunState>
    /// Only runs with this cancellation key.
    public var cancellationKey: String?
    /// Only runs created before the run with this id (paging, newest first).
    public var before: String?
    /// At most this many (1–1,000).
    public var limit: Int

    /// Creates a query.
    public init(workflow: String? = nil, recipientKey: String? = nil, states: Set<RunState> = [], cancellationKey: String? = nil, before: String? = nil, limit: Int = 100) {
        self.workflow = workflow
        self.recipientKey = recipientKey
        self.states = states
        self.cancellationKey = cancellationKey
        self.before = before
        self.limit = limit
    }
}

/// What ``WorkflowRunStore/cancelRuns(cancellationKey:now:)`` changed.
public struct RunCancellation: Sendable, Hashable {
    /// The runs cancelled now (not those already finished).
    public var runIDs: [String]
    /// The deliveries cancelled with them.
    public var cancelledDeliveries: Int

    /// Creates a result.
    public init(runIDs: [String], cancelledDeliveries: Int) {
        self.runIDs = runIDs
        self.cancelledDeliveries = cancelledDeliveries
    }
}

extension WorkflowRunStore {
    /// One transaction per advance.
    public func advanceRuns(_ advances: [RunAdvance]) async throws -> [Bool] {
        var applied: [Bool] = []
        for advance in advances { applied.append(try await advanceRun(advance)) }
        return applied
    }
}

extension WorkflowRunStore {
    /// Records a redemption without a value of its own (see ``recordRedemption(messageID:rewardCode:at:value:)``).
    public func recordRedemption(messageID: String?, rewardCode: String?, at time: Date) async throws -> [String] {
        try await recordRedemption(messageID: messageID, rewardCode: rewardCode, at: time, value: nil)
    }
}
