import Foundation

/// One journey of one recipient through one workflow, started by one event.
///
/// A run is a row in the store, claimed by workers under a lease like a delivery (see
/// ``WorkflowRunStore``). Its ``cursor`` is the step it will run next; what happened at each step
/// is kept as ``RunStepRecord``s. A `send` step creates an ordinary ``Message`` whose idempotency
/// key is derived from the run and step (``WorkflowRun/sendIdempotencyKey(runID:step:)``), so a
/// run re-executed after a crash never sends twice.
public struct WorkflowRun: Sendable, Hashable, Codable {
    /// Time-sortable id (`run_` + UUIDv7 text).
    public var id: String
    /// The workflow's `name`.
    public var workflow: String
    /// The event name that started it (`deal.closed`).
    public var event: String
    /// The recipient, as given in the trigger.
    public var recipient: Recipient
    /// The recipient key (DESIGN.md §9): `to.id`, else lower-cased email, else phone, else WhatsApp.
    public var recipientKey: String
    /// The event's data (a JSON object), what conditions and templates see as `data`.
    public var data: JSONValue
    /// The trigger's idempotency key (unique per key × recipient key × workflow).
    public var idempotencyKey: String?
    /// A digest of the trigger for this recipient, to tell a replay from a conflicting reuse.
    public var fingerprint: String
    /// `POST /v1/events/cancel` with this key cancels the run.
    public var cancellationKey: String?
    /// `data.reward.code` at the trigger, if a string: a `reward.redeemed` event may name it.
    public var rewardCode: String?
    /// Where the run is.
    public var state: RunState
    /// The index of the step the run executes next (`steps.count` once past the end).
    public var cursor: Int
    /// When the run is next due (for ``RunState/scheduled``).
    public var dueAt: Date?
    /// The current step's deadline, if it has one (a `wait`'s `within`), fixed when the run
    /// first reached the step so that an early wake does not move it.
    public var deadline: Date?
    /// The message of the last `send` (what a `wait` looks at), if any.
    public var lastMessageID: String?
    /// The digest this run collects for while it waits at a `digest` step (it owns it).
    public var digestID: String?
    /// When a `reward.redeemed` event matched the run.
    public var redeemedAt: Date?
    /// Why the run ended, for ``RunState/isFinal`` states (`completed` may have none).
    public var reason: String?
    /// When it was created.
    public var createdAt: Date
    /// When it last changed.
    public var updatedAt: Date

    /// Creates a run.
    public init(
        id: String, workflow: String, event: String, recipient: Recipient, recipientKey: String, data: JSONValue,
        idempotencyKey: String?, fingerprint: String, cancellationKey: String?, rewardCode: String?,
        state: RunState, cursor: Int, dueAt: Date?, deadline: Date? = nil, lastMessageID: String? = nil,
        digestID: String? = nil, redeemedAt: Date? = nil, reason: String? = nil, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.workflow = workflow
        self.event = event
        self.recipient = recipient
        self.recipientKey = recipientKey
        self.data = data
        self.idempotencyKey = idempotencyKey
        self.fingerprint = fingerprint
        self.cancellationKey = cancellationKey
        self.rewardCode = rewardCode
        self.state = state
        self.cursor = cursor
        self.dueAt = dueAt
        self.deadline = deadline
        self.lastMessageID = lastMessageID
        self.digestID = digestID
        self.redeemedAt = redeemedAt
        self.reason = reason
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The idempotency key of the message a run's step sends: the same on every re-execution of
    /// that step, so a run resumed after a crash replays the message instead of sending another.
    /// The `wf:` prefix keeps it apart from callers' keys (theirs are checked before use).
    public static func sendIdempotencyKey(runID: String, step: Int) -> String {
        "wf:" + runID + ":" + String(step)
    }

    /// The most steps a workflow may have (the parser refuses more).
    public static let maximumSteps = 100

    /// Every idempotency key a run's messages can carry (one per possible step): what a
    /// cancellation looks up by exact key, so a message enqueued by a worker that died before
    /// writing its advance — named in no step record yet — is cancelled too.
    public static func sendIdempotencyKeys(runID: String) -> [String] {
        (0..<maximumSteps).map { sendIdempotencyKey(runID: runID, step: $0) }
    }

    /// The run and step that sent a message, read back from its idempotency key (the link the
    /// delivery log shows); nil for a message a caller sent.
    public static func sender(ofIdempotencyKey key: String?) -> (runID: String, step: Int)? {
        guard let key, key.hasPrefix("wf:run_"), let colon = key.lastIndex(of: ":"), let step = Int(key[key.index(after: colon)...]) else { return nil }
        let runID = key[key.index(key.startIndex, offsetBy: 3)..<colon]
        return runID.isEmpty ? nil : (String(runID), step)
    }
}

/// The life cycle of a run.
///
/// ```
/// scheduled ──(due)──claim──► running ──advance──► scheduled | completed | failed
/// running ──(lease expired)──claim──► running          (another worker resumes it)
/// scheduled | running ──cancel──► cancelled
/// ```
public enum RunState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Waiting for ``WorkflowRun/dueAt`` (a delay, a wait, a reminder, a digest window, or now).
    case scheduled
    /// Claimed by a worker under a lease.
    case running
    /// Past its last step, or ended early on purpose (throttled with `then: skip`, folded into a digest).
    case completed
    /// A step could not be carried out (e.g. its template no longer renders); ``WorkflowRun/reason`` says why.
    case failed
    /// Cancelled through its cancellation key.
    case cancelled

    /// Whether the run will never execute another step.
    public var isFinal: Bool { self == .completed || self == .failed || self == .cancelled }
}
