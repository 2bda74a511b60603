import Foundation

/// What happened when a worker handled a claimed delivery.
public enum AttemptResult: Sendable, Hashable {
    /// The provider accepted it.
    case sent(DeliveryReceipt, startedAt: Date)
    /// The provider (or the transport) failed, classified.
    case failed(DeliveryError, startedAt: Date)
    /// The message could not be rendered any more (template changed or removed since it was queued).
    case unrenderable(String, startedAt: Date)
    /// The message expired before it could be delivered.
    case expired
    /// Claimed inside quiet hours or outside the send window: due again at `until`, no attempt counted.
    case deferred(until: Date, reason: String)
    /// Quiet hours or the send window allow no time before the message expires: skipped now.
    case untimely(String)
    /// The recipient opted out of the message's category on this channel (the reason names the
    /// preference): skipped now, no attempt counted; a fallback route moves on.
    case optedOut(String)
}

/// The delivery life cycle as one pure type: every decision about states, no I/O.
///
/// Stores persist what this type decides; workers feed it attempt results. See ``DeliveryState``
/// for the diagram. Keeping it pure lets every transition be unit-tested without a database.
public enum DeliveryStateMachine {
    /// Whether `from → to` is a legal transition: some ``DeliveryTransition`` allows it, and a
    /// receipt only ever moves forwards (``applyReceipt(_:to:)``).
    public static func canTransition(from: DeliveryState, to: DeliveryState) -> Bool {
        DeliveryTransition.allCases.contains { transition in
            guard transition.sources.contains(from), transition.targets.contains(to) else { return false }
            return transition != .receipt || applyReceipt(to, to: from) == to
        }
    }

    /// Plans the deliveries of a new message: one per route channel.
    ///
    /// `all`: every channel is due at `send_at` (or now). `fallback`: the first channel is due, the
    /// rest wait as `pending` until an earlier one fails for good.
    public static func plan(for message: Message, now: Date, makeID: () -> String) -> [Delivery] {
        let due = max(message.sendAt ?? now, now)
        let firstState: DeliveryState = due > now ? .scheduled : .available
        return message.route.channels.enumerated().map { position, channel in
            let waits = message.route.mode == .fallback && position > 0
            return Delivery(
                id: makeID(), messageID: message.id, channel: channel, position: position,
                state: waits ? .pending : firstState, attempts: 0, nextAttemptAt: waits ? nil : due,
                updatedAt: now)
        }
    }

    /// Decides the update for a claimed delivery after one attempt.
    ///
    /// - Transient failures become `retryable` with backoff until `policy.maxAttempts`, then `failed`.
    /// - Permanent failures become `failed`; suppressed recipients and expired messages `skipped`.
    /// - In a `fallback` route a final failure or skip activates the next channel, and a success
    ///   skips the channels still waiting.
    public static func decide(
        _ claimed: ClaimedDelivery, result: AttemptResult, owner: String, policy: RetryPolicy, now: Date,
        using rng: inout some RandomNumberGenerator
    ) -> DeliveryUpdate {
        let delivery = claimed.delivery
        let message = claimed.message
        let number = delivery.attempts + 1
        let fallback = message.route.mode == .fallback
        let moveOn: RouteFollowUp? =
            fallback ? .activateNext(messageID: message.id, afterPosition: delivery.position, at: now) : nil

        func update(
            _ state: DeliveryState, attempts: Int, next: Date? = nil, provider: String?, providerID: String? = nil,
            error: String?, attempt: Attempt?, followUp: RouteFollowUp?
        ) -> DeliveryUpdate {
            DeliveryUpdate(
                deliveryID: delivery.id, leaseOwner: owner, state: state, attempts: attempts, nextAttemptAt: next,
                provider: provider, providerMessageID: providerID, lastError: error, attempt: attempt,
                followUp: followUp, now: now)
        }
        func attempt(_ outcome: AttemptOutcome, _ started: Date, _ provider: String, _ code: String?, _ detail: String)
            -> Attempt
        {
            Attempt(
                deliveryID: delivery.id, number: number, startedAt: started, finishedAt: now, provider: provider,
                outcome: outcome, code: code, detail: detail)
        }

        switch result {
        case .sent(let receipt, let started):
            var sent = update(
                .sent, attempts: number, provider: receipt.provider, providerID: receipt.providerMessageID,
                error: nil, attempt: attempt(.sent, started, receipt.provider, receipt.code, receipt.detail),
                followUp: fallback ? .skipPending(messageID: message.id, reason: fallbackSkipReason(sent: delivery.channel)) : nil)
            // An inbox delivery is its item: it rides on the `sent` outcome and commits with it.
            sent.inboxItem = receipt.inboxItem?.item(
                deliveryID: delivery.id, messageID: message.id, template: message.template, createdAt: now)
            return sent

        case .expired:
            let reason = "message expired before delivery"
            return update(
                .skipped, attempts: delivery.attempts, provider: nil, error: reason,
                attempt: attempt(.skipped, now, "worker", nil, reason),
                followUp: fallback ? .skipPending(messageID: message.id, reason: reason, cause: .expired) : nil)

        case .deferred(let until, let reason):
            // Not an attempt: nothing was tried, so no attempt row and no count. The reason sits
            // where `status` shows a delivery's last word until the delivery moves on.
            return update(.scheduled, attempts: delivery.attempts, next: until, provider: nil, error: reason, attempt: nil, followUp: nil)

        case .untimely(let reason):
            // Like a suppressed channel: this one cannot be used, so a fallback route moves on
            // (the next channel may have other quiet hours).
            return update(
                .skipped, attempts: delivery.attempts, provider: nil, error: reason,
                attempt: attempt(.skipped, now, "worker", nil, reason), followUp: moveOn)

        case .optedOut(let reason):
            // The recipient's own choice for this channel only: the next channel of a fallback
            // route may still reach them.
            return update(
                .skipped, attempts: delivery.attempts, provider: nil, error: reason,
                attempt: attempt(.skipped, now, "preferences", nil, reason), followUp: moveOn)

        case .unrenderable(let reason, let started):
            let detail = "cannot render: \(reason)"
            return update(
                .failed, attempts: number, provider: nil, error: detail,
                attempt: attempt(.failed, started, "worker", nil, detail), followUp: moveOn)

        case .failed(let error, let started):
            switch error.disposition {
            case .permanent:
                return update(
                    .failed, attempts: number, provider: error.provider, error: error.description,
                    attempt: attempt(.failed, started, error.provider, error.code, error.detail), followUp: moveOn)
            case .suppressed:
                return update(
                    .skipped, attempts: number, provider: error.provider, error: "suppressed: \(error.detail)",
                    attempt: attempt(.skipped, started, error.provider, error.code, error.detail), followUp: moveOn)
            case .misconfigured(let key):
                // Not this delivery's fault: it waits, queued, for the channel to be fixed, and the
                // wait uses up no attempt (the worker pauses the channel and sets the probe time).
                let detail = "\(error.description) (fix \(key); the channel is paused and probed until it works)"
                return update(
                    .retryable, attempts: delivery.attempts, next: now.addingTimeInterval(policy.baseDelay),
                    provider: error.provider, error: detail,
                    attempt: attempt(.paused, started, error.provider, error.code, error.detail), followUp: nil)
            case .retry(let after), .rateLimited(let after):
                let outcome: AttemptOutcome = {
                    if case .rateLimited = error.disposition { return .rateLimited }
                    return .retry
                }()
                guard policy.allowsRetry(afterAttempts: number) else {
                    let detail = "gave up after \(number) attempts: \(error.description)"
                    return update(
                        .failed, attempts: number, provider: error.provider, error: detail,
                        attempt: attempt(.failed, started, error.provider, error.code, error.detail), followUp: moveOn)
                }
                let wait = policy.delay(afterAttempts: number, providerDelay: after?.seconds, using: &rng)
                return update(
                    .retryable, attempts: number, next: now.addingTimeInterval(wait), provider: error.provider,
                    error: error.description,
                    attempt: attempt(outcome, started, error.provider, error.code, error.detail), followUp: nil)
            }
        }
    }

    /// Why later channels of a fallback route were skipped: `channel` was sent.
    public static func fallbackSkipReason(sent channel: ChannelKind) -> String { "\(channel) was sent" }

    /// A `running` delivery whose lease ran out before its owner reported, as the lease sweeper reads it.
    public struct ExpiredLease: Sendable, Hashable {
        /// The delivery.
        public var deliveryID: String
        /// Its message.
        public var messageID: String
        /// Its position in the route.
        public var position: Int
        /// Attempts counted before this claim.
        public var attempts: Int
        /// The worker that held the lease.
        public var owner: String
        /// When the lease ran out (store clock).
        public var leaseExpiresAt: Date
        /// When it was claimed (its last change).
        public var claimedAt: Date
        /// The message's route mode.
        public var mode: RouteMode

        /// Creates a record.
        public init(
            deliveryID: String, messageID: String, position: Int, attempts: Int, owner: String, leaseExpiresAt: Date,
            claimedAt: Date, mode: RouteMode
        ) {
            self.deliveryID = deliveryID
            self.messageID = messageID
            self.position = position
            self.attempts = attempts
            self.owner = owner
            self.leaseExpiresAt = leaseExpiresAt
            self.claimedAt = claimedAt
            self.mode = mode
        }
    }

    /// Decides what a rescued lease becomes: the lost claim counts one attempt (its owner may
    /// have reached the provider) logged as `lease_expired` by `rescuer`; with attempts left the
    /// delivery is due again at `now`, otherwise it is `failed` and a fallback route moves on.
    /// The update applies only while the delivery is still `running` under the old owner, so a
    /// late outcome of that owner and the rescue can never both apply.
    public static func rescue(_ lease: ExpiredLease, maxAttempts: Int, now: Date) -> DeliveryUpdate {
        let number = lease.attempts + 1
        let failed = number >= maxAttempts
        var detail = "lease of \(lease.owner) expired at \(ISOTime.format(lease.leaseExpiresAt)) before it reported; "
            + "the provider may have received this attempt"
        if failed { detail += "; no attempts left (max \(maxAttempts))" }
        return DeliveryUpdate(
            deliveryID: lease.deliveryID, leaseOwner: lease.owner, state: failed ? .failed : .available, attempts: number,
            nextAttemptAt: failed ? nil : now, provider: nil, providerMessageID: nil, lastError: detail,
            attempt: Attempt(
                deliveryID: lease.deliveryID, number: number, startedAt: lease.claimedAt, finishedAt: now, provider: "rescuer",
                outcome: .leaseExpired, code: nil, detail: detail),
            followUp: failed && lease.mode == .fallback
                ? .activateNext(messageID: lease.messageID, afterPosition: lease.position, at: now) : nil,
            now: now)
    }

    /// What the route does when a receipt turns a sent delivery into `failed` after the fact
    /// (WhatsApp 131026 or a Twilio `undelivered` arrive by webhook, long after the API accepted
    /// the message): in a fallback route the channels skipped because this one was sent take
    /// over again, the next one at once. Nil for `all` routes and for other transitions.
    public static func followUp(
        afterReceipt next: DeliveryState, messageID: String, position: Int, mode: RouteMode, now: Date
    ) -> RouteFollowUp? {
        guard next == .failed, mode == .fallback else { return nil }
        return .reviveSkipped(messageID: messageID, afterPosition: position, at: now)
    }

    /// What a store does with a provider receipt (`sent`, `delivered`, `read` or `failed`) for a
    /// delivery now in `current`, after dropping exact repeats of a recorded event.
    ///
    /// Receipts are monotonic for every provider: `sent < delivered < read`, and `failed` moves only
    /// a `sent` delivery — it never overrides `delivered`/`read` (a replayed or reordered callback
    /// must not undo a delivery, nor in a fallback route send the reward again elsewhere), and a
    /// `failed` delivery stays failed. Whatever does not advance the state is kept as history. A
    /// receipt that beats the delivery's outcome (the worker writes outcomes in batches) is held
    /// and decided again when the outcome is written.
    public static func receiptDecision(_ receipt: DeliveryState, current: DeliveryState) -> ReceiptDecision {
        switch current {
        case .pending, .scheduled, .available, .running, .retryable:
            return .hold
        case .failed, .cancelled, .skipped:
            return .history
        case .sent, .delivered, .read:
            if receipt == .failed { return current == .sent ? .advance(.failed) : .history }
            return receiptRank(receipt) > receiptRank(current) ? .advance(receipt) : .history
        }
    }

    /// The state a receipt moves a delivery in `current` to, or `nil` when it changes nothing
    /// (stale, out of order, a repeat, or the outcome not written yet). See ``receiptDecision(_:current:)``.
    public static func applyReceipt(_ receipt: DeliveryState, to current: DeliveryState) -> DeliveryState? {
        if case .advance(let next) = receiptDecision(receipt, current: current) { return next }
        return nil
    }

    /// How far a receipt state has come (`sent` 1 < `delivered` 2 < `read` 3; anything else 0).
    static func receiptRank(_ state: DeliveryState) -> Int {
        switch state {
        case .sent: return 1
        case .delivered: return 2
        case .read: return 3
        default: return 0
        }
    }
}

/// What ``DeliveryStateMachine/receiptDecision(_:current:)`` tells a store to do with a receipt.
public enum ReceiptDecision: Sendable, Hashable {
    /// Record it and move the delivery to this state.
    case advance(DeliveryState)
    /// Record it as history only: the delivery already says as much or more, or ended otherwise.
    case history
    /// Keep it aside: the delivery's outcome is not written yet; decide again when it is.
    case hold
}
