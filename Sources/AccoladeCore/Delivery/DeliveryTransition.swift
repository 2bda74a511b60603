/// Every operation that changes a stored delivery's state, with the states it may start from and
/// end in. ``DeliveryStateMachine/canTransition(from:to:)`` is the union of these rows, and the
/// stores build the state guards of their SQL from ``sources`` (``sqlList(_:)``), so the table
/// that tests check is the table production code runs.
public enum DeliveryTransition: String, Sendable, Hashable, CaseIterable {
    /// A fallback route moves on: the next `pending` channel becomes due.
    case activate
    /// A worker takes a due delivery under a lease.
    case claim
    /// A worker writes the outcome of its attempt.
    case complete
    /// A worker found a claimed delivery inside quiet hours or outside its send window and hands
    /// it back, due when they allow, without an attempt (written by `complete`, like an outcome).
    case deferral
    /// A worker hands back what it claimed but did not finish (graceful shutdown), counting nothing.
    case release
    /// Another worker takes back a claim whose lease ran out (the owner died or lost the store).
    case rescue
    /// An operator retries a dead delivery (`accolade dead retry`).
    case requeue
    /// A fallback route is done: the channels it never needed are skipped.
    case skipPending
    /// A delivery reported sent failed after the fact: the channels skipped because of it wait again.
    case revive
    /// A provider reports what happened after it accepted the message.
    case receipt
    /// The workflow run that sent the message was cancelled: what no worker has claimed yet is
    /// never sent (a running delivery finishes and its outcome stands).
    case cancel

    /// The states the operation may start from (order matters where SQL spells an index's list).
    public var sources: [DeliveryState] {
        switch self {
        case .activate: [.pending]
        case .claim: DeliveryTransition.claimable
        case .complete, .deferral, .release, .rescue: [.running]
        case .requeue: [.failed]
        case .skipPending: [.pending]
        case .revive: [.skipped]
        case .receipt: [.sent, .delivered, .read]
        case .cancel: [.pending, .scheduled, .available, .retryable]
        }
    }

    /// The states the operation may end in.
    public var targets: Set<DeliveryState> {
        switch self {
        case .activate: [.available]
        case .claim: [.running]
        case .complete: [.sent, .retryable, .failed, .skipped]
        case .deferral: [.scheduled]
        case .release: [.available]
        case .rescue: [.available, .failed]
        case .requeue: [.available]
        case .skipPending: [.skipped]
        case .revive: [.pending]
        case .receipt: [.delivered, .read, .failed]
        case .cancel: [.cancelled]
        }
    }

    /// The claimable states in the order the SQLite claim index spells them.
    public static let claimable: [DeliveryState] = [.available, .scheduled, .retryable]

    /// `'a', 'b'` — a state list for an SQL `IN (…)` guard (state names are fixed identifiers,
    /// never input, so quoting them inline is safe and lets SQLite match partial indexes).
    public static func sqlList(_ states: [DeliveryState]) -> String {
        states.map { "'\($0.rawValue)'" }.joined(separator: ", ")
    }
}

/// Why a delivery was skipped, stored next to the human-readable reason so that the store can
/// act on it (revival matches this, never the text).
public enum SkipCause: String, Sendable, Hashable, Codable, CaseIterable {
    /// An earlier channel of the fallback route was sent.
    case fallbackSent = "fallback_sent"
    /// The message expired before this channel was needed or delivered.
    case expired
    /// The recipient opted out of this channel.
    case suppressed
}
