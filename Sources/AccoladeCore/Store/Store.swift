import Foundation

/// Durable storage of messages, deliveries, attempts and idempotency keys.
///
/// Implementations (SQLite, PostgreSQL) persist what ``DeliveryStateMachine`` decides and add
/// only the concurrency control a shared queue needs: leases, compare-and-set on the lease owner,
/// unique idempotency keys. Every method that changes more than one row does so in one transaction.
/// A store is also the shared ``SuppressionList``, ``InboundActivityLog``, ``InboxFeed`` and
/// ``WorkflowRunStore`` of every process on it.
public protocol Store: SuppressionList, InboundActivityLog, ProviderPauseBoard, InboxFeed, WorkflowRunStore, BounceLog, EngagementLog,
    PreferenceStore, ReportStore, FailureReasonLog
{
    /// Applies pending schema migrations (idempotent).
    func migrate() async throws

    /// Stores messages with their planned deliveries, one transaction for the whole batch.
    ///
    /// For a message whose idempotency key already exists, nothing is written: the result is
    /// ``EnqueueResult/replayed(_:_:)`` when the stored fingerprint matches, else
    /// ``EnqueueResult/conflict(existingMessageID:)``. Results are in input order.
    func enqueue(_ requests: [EnqueueRequest]) async throws -> [EnqueueResult]

    /// Enqueues the messages a run worker's batch made and applies the batch's advances (see
    /// ``WorkflowRunStore/advanceRuns(_:)``): `messages[i]` are the messages of `advances[i]`'s
    /// run, each advance naming them by their planned ids (``Message/id``); where the enqueue
    /// resolves one to another id (a key already stored: replay or conflict) the records and
    /// ``RunAdvance/lastMessageID`` are written with that id. Results are in input order.
    ///
    /// A store may do it all in one transaction (SQLite: one commit per batch) and then enqueues
    /// nothing for a run no longer `running` under its claimer; otherwise the messages go first
    /// and the advances after (the default), so a crash in between re-executes and replays. Either
    /// way, nothing a cancelled run's advance names goes out.
    func advanceRuns(_ advances: [RunAdvance], enqueuing messages: [[EnqueueRequest]]) async throws -> [Bool]

    /// Claims up to `limit` due deliveries (claimable state, `next_attempt_at <= now`, oldest due
    /// first) of the given `channels` (all when nil: a worker claims only what it can deliver),
    /// marks them `running` under a lease for `owner` until the store's clock plus `lease`, and
    /// returns them with their messages. No delivery is ever returned to two claimers at once.
    func claim(owner: String, limit: Int, now: Date, lease: TimeInterval, channels: Set<ChannelKind>?) async throws
        -> [ClaimedDelivery]

    /// Extends `owner`'s leases on these `running` deliveries to the store's clock plus `lease`,
    /// in one statement (the worker's heartbeat). Returns how many it still held; a delivery
    /// rescued by another worker is not extended.
    @discardableResult
    func extendLeases(owner: String, deliveryIDs: [String], now: Date, lease: TimeInterval) async throws -> Int

    /// Writes a batch of attempt outcomes in one transaction. An update applies only while the
    /// delivery is still `running` under `update.leaseOwner`; returns how many applied. A `sent`
    /// update that applies writes its ``DeliveryUpdate/inboxItem`` in the same transaction.
    @discardableResult
    func complete(_ updates: [DeliveryUpdate]) async throws -> Int

    /// Returns `owner`'s unfinished claims to `available` without counting an attempt
    /// (graceful shutdown). Returns how many were released.
    @discardableResult
    func release(owner: String, deliveryIDs: [String], now: Date) async throws -> Int

    /// Makes `running` deliveries whose lease expired (by the store's clock) claimable again as
    /// ``DeliveryStateMachine/rescue(_:maxAttempts:now:)`` decides, counting the lost attempt
    /// (the dead worker may have sent it) and logging a `lease_expired` attempt. The deliveries in
    /// `sparing` (those the sweeping worker itself holds and knows are alive) are left alone; a
    /// claim of its own it never heard back about (the connection dropped after the commit) is not
    /// in that list and comes back like any other. Returns how many were rescued.
    @discardableResult
    func rescueExpiredLeases(now: Date, maxAttempts: Int, sparing: [String]) async throws -> Int

    /// Puts `failed` deliveries back to `available` now (all of them when `deliveryIDs` is nil),
    /// resetting their attempt count. Returns the ids requeued.
    func requeueFailed(deliveryIDs: [String]?, now: Date) async throws -> [String]

    /// The message with this id.
    func message(id: String) async throws -> Message?
    /// The message's deliveries, in route order.
    func deliveries(messageID: String) async throws -> [Delivery]
    /// The deliveries of every message in `messageIDs` from one query (a listing page reads
    /// them together, not a query per message), keyed by message id, each message's in route
    /// order. Ids without deliveries, or of no message, are absent.
    func deliveries(messageIDs: [String]) async throws -> [String: [Delivery]]
    /// Every attempt of the message's deliveries, oldest first.
    func attempts(messageID: String) async throws -> [Attempt]
    /// Provider status events of the message's deliveries, oldest first.
    func receipts(messageID: String) async throws -> [Receipt]
    /// Records a provider status event in one transaction, as
    /// ``DeliveryStateMachine/receiptDecision(_:current:)`` decides: advance the delivery
    /// (`sent < delivered < read`; `failed` only from `sent`) or keep it as history only. A repeat
    /// of an event already recorded or held (same delivery or provider message id, same
    /// `providerEventID`) changes nothing.
    ///
    /// A report whose provider message id no delivery carries yet, or whose delivery has no
    /// written outcome yet, is held (``ReceiptOutcome/held``) and applied inside the
    /// ``complete(_:)`` transaction that writes the outcome carrying it. Nothing is dropped.
    func recordReceipt(_ report: ReceiptReport) async throws -> ReceiptOutcome
    /// Housekeeping for held receipts, called periodically by workers: applies those whose
    /// outcome has been written since (a report that raced the outcome's commit), and deletes
    /// those received before `cutoff` that still match nothing (`webhooks.unmatched_receipt_ttl`).
    @discardableResult
    func sweepUnmatchedReceipts(now: Date, receivedBefore cutoff: Date) async throws -> UnmatchedReceiptSweep
    /// The delivery a provider knows by this message id (Twilio `MessageSid`, WhatsApp `wamid`).
    func deliveryID(providerMessageID: String) async throws -> String?
    /// Messages matching `query`, newest first, at most `query.limit`.
    func messages(matching query: MessageQuery) async throws -> [Message]
    /// Deliveries in the given states, newest change first.
    func deliveries(inStates states: Set<DeliveryState>, limit: Int) async throws -> [Delivery]
    /// Counts by state, and when the next delivery falls due.
    func snapshot(now: Date) async throws -> QueueSnapshot
    /// How many deliveries of `channels` (every channel when nil) are in `states`: what
    /// `worker --drain` waits for, so a worker never waits for a channel it does not deliver.
    func countDeliveries(inStates states: Set<DeliveryState>, channels: Set<ChannelKind>?) async throws -> Int

    /// Signals that new work may be due (another process enqueued, requeued or activated a
    /// fallback), so idle workers claim at once instead of at their next poll. `nil` when the
    /// store cannot tell; workers then rely on polling alone.
    func workSignals() -> AsyncStream<Void>?

    /// Whether a failed call may succeed if retried (busy, locked, connection lost, server
    /// restarting) or needs an operator (schema missing, disk full, authentication refused).
    func fault(of error: any Error) -> StoreFault
}

extension Store {
    /// Stores without notifications: workers poll.
    public func workSignals() -> AsyncStream<Void>? { nil }

    /// Records a status event for a known delivery id (see ``recordReceipt(_:)``).
    public func recordReceipt(_ receipt: Receipt, state: DeliveryState) async throws -> ReceiptOutcome {
        try await recordReceipt(
            ReceiptReport(
                reference: .deliveryID(receipt.deliveryID), state: state, provider: receipt.provider,
                providerEventID: receipt.providerEventID, occurredAt: receipt.occurredAt, receivedAt: receipt.receivedAt,
                detail: receipt.detail))
    }
    /// Stores that cannot tell treat every failure as transient.
    public func fault(of error: any Error) -> StoreFault { .transient }

    /// Claims due deliveries of every channel.
    public func claim(owner: String, limit: Int, now: Date, lease: TimeInterval) async throws -> [ClaimedDelivery] {
        try await claim(owner: owner, limit: limit, now: now, lease: lease, channels: nil)
    }

    /// Rescues every expired lease, whoever held it (tools and tests; workers spare their own).
    @discardableResult
    public func rescueExpiredLeases(now: Date, maxAttempts: Int) async throws -> Int {
        try await rescueExpiredLeases(now: now, maxAttempts: maxAttempts, sparing: [])
    }
}

/// How a failed store call should be treated.
public enum StoreFault: Sendable, Hashable {
    /// Retry with backoff: the store is busy or away and will answer again.
    case transient
    /// Retrying alone will not help; `advice` says what an operator must do. Workers still retry
    /// (slowly), so they resume by themselves once it is fixed.
    case permanent(advice: String)
}

/// A message and its planned deliveries, ready to store.
public struct EnqueueRequest: Sendable, Hashable {
    /// The message.
    public var message: Message
    /// One delivery per route channel, as planned by ``DeliveryStateMachine/plan(for:now:makeID:)``.
    public var deliveries: [Delivery]

    /// Creates a request.
    public init(message: Message, deliveries: [Delivery]) {
        self.message = message
        self.deliveries = deliveries
    }
}

/// What ``Store/enqueue(_:)`` did with one request.
public enum EnqueueResult: Sendable, Hashable {
    /// Stored now.
    case created(Message, [Delivery])
    /// The idempotency key was used before with the same request: the original message.
    case replayed(Message, [Delivery])
    /// The idempotency key was used before with a different request.
    case conflict(existingMessageID: String)
}

/// A claimed delivery together with its message, all a worker needs to render and send.
public struct ClaimedDelivery: Sendable, Hashable {
    /// The delivery, now `running` under the claimer's lease.
    public var delivery: Delivery
    /// Its message.
    public var message: Message
    /// Whether the recipient's address for this channel was suppressed at claim time (stores
    /// look the whole batch up in one query; `unknown` makes the channel ask).
    public var suppression: SuppressionCheck
    /// The recipient's last inbound message on this channel, looked up at claim time for the
    /// channels with a reply window (`unknown` makes the channel ask).
    public var lastInbound: InboundCheck
    /// The recipient's stored opt-out of the message's category on this channel, looked up for
    /// the whole batch at claim time; nil when there is none (opted in, the default). The worker
    /// ignores it for a `required` category.
    public var optOut: Preference?

    /// Creates a claimed delivery.
    public init(
        delivery: Delivery, message: Message, suppression: SuppressionCheck = .unknown, lastInbound: InboundCheck = .unknown,
        optOut: Preference? = nil
    ) {
        self.delivery = delivery
        self.message = message
        self.suppression = suppression
        self.lastInbound = lastInbound
        self.optOut = optOut
    }
}

/// The outcome of one attempt, to be written by ``Store/complete(_:)``.
public struct DeliveryUpdate: Sendable, Hashable {
    /// The delivery.
    public var deliveryID: String
    /// The worker that must still hold the lease for the update to apply.
    public var leaseOwner: String
    /// The new state (`sent`, `retryable`, `failed` or `skipped`).
    public var state: DeliveryState
    /// The attempt count after this attempt.
    public var attempts: Int
    /// When to try again (for `retryable`).
    public var nextAttemptAt: Date?
    /// The provider used.
    public var provider: String?
    /// The provider's id for the message.
    public var providerMessageID: String?
    /// The failure or skip reason.
    public var lastError: String?
    /// The attempt to append to the log.
    public var attempt: Attempt?
    /// What the route does next (fallback).
    public var followUp: RouteFollowUp?
    /// When the update was decided.
    public var now: Date
    /// The inbox item a `sent` inbox delivery writes: the store inserts it (assigning its feed
    /// sequence) in the transaction that writes this outcome, and only if the outcome applies,
    /// so the item is in the feed exactly when the delivery is `sent` (ignored for other states).
    public var inboxItem: NewInboxItem?

    /// Creates an update.
    public init(
        deliveryID: String, leaseOwner: String, state: DeliveryState, attempts: Int, nextAttemptAt: Date?,
        provider: String?, providerMessageID: String?, lastError: String?, attempt: Attempt?,
        followUp: RouteFollowUp?, now: Date, inboxItem: NewInboxItem? = nil
    ) {
        self.inboxItem = inboxItem
        self.deliveryID = deliveryID
        self.leaseOwner = leaseOwner
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.provider = provider
        self.providerMessageID = providerMessageID
        self.lastError = lastError
        self.attempt = attempt
        self.followUp = followUp
        self.now = now
    }
}

/// A change to the *other* deliveries of a message that one outcome causes.
public enum RouteFollowUp: Sendable, Hashable {
    /// Fallback: make the `pending` delivery with the lowest position above `afterPosition` available at `at`.
    case activateNext(messageID: String, afterPosition: Int, at: Date)
    /// Fallback is done: every still-`pending` delivery of the message becomes `skipped` with
    /// `reason` (for people) and `cause` (for the store: revival matches it).
    case skipPending(messageID: String, reason: String, cause: SkipCause = .fallbackSent)
    /// Fallback after all: a delivery reported sent later failed (by receipt), so the deliveries
    /// above `afterPosition` skipped because of that send (``SkipCause/fallbackSent``) go back to
    /// `pending`, and the lowest of them becomes available at `at`.
    case reviveSkipped(messageID: String, afterPosition: Int, at: Date)
}

/// Queue depth and timing, for `--drain`, `stats` and metrics.
public struct QueueSnapshot: Sendable, Hashable {
    /// Number of deliveries in each state (states with none may be absent).
    public var counts: [DeliveryState: Int]
    /// The earliest `next_attempt_at` among claimable deliveries.
    public var nextDueAt: Date?
    /// The earliest lease expiry among `running` deliveries.
    public var nextLeaseExpiry: Date?

    /// Creates a snapshot.
    public init(counts: [DeliveryState: Int], nextDueAt: Date?, nextLeaseExpiry: Date?) {
        self.counts = counts
        self.nextDueAt = nextDueAt
        self.nextLeaseExpiry = nextLeaseExpiry
    }

    /// The count for one state (0 when absent).
    public func count(_ state: DeliveryState) -> Int { counts[state] ?? 0 }
}
