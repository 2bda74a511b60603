/// The life cycle of one delivery (names after River and Oban).
///
/// ```
/// pending ──(earlier fallback channel failed)──► available
/// scheduled ──(send_at reached)──► available ──claim──► running
/// running ──► sent ──receipt──► delivered ──receipt──► read
/// running ──► retryable ──(due)──► available
/// running ──(inside quiet hours / outside the send window)──► scheduled
/// running ──► failed | skipped ;  any unfinished ──► cancelled | skipped
/// ```
/// ``DeliveryStateMachine`` holds the rules; stores only persist what it decides.
public enum DeliveryState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Waiting for an earlier channel of a `fallback` route to fail.
    case pending
    /// Waiting for the message's `send_at`, or deferred by quiet hours or a send window to
    /// `next_attempt_at` (then `last_error` says why).
    case scheduled
    /// Due: a worker may claim it.
    case available
    /// Claimed by a worker under a lease.
    case running
    /// Failed transiently; claimable again at `next_attempt_at`.
    case retryable
    /// Accepted by the provider.
    case sent
    /// The provider reported delivery to the handset or mailbox.
    case delivered
    /// The recipient read it (WhatsApp).
    case read
    /// Failed for good (permanent error or attempts exhausted).
    case failed
    /// Cancelled before any worker claimed it (its workflow run was cancelled).
    case cancelled
    /// Never needed or not allowed: fallback not reached, recipient suppressed, message expired.
    case skipped

    /// Whether no worker will ever pick the delivery up again (receipts may still advance `sent`).
    public var isFinal: Bool {
        switch self {
        case .sent, .delivered, .read, .failed, .cancelled, .skipped: return true
        case .pending, .scheduled, .available, .running, .retryable: return false
        }
    }

    /// Whether a worker may claim the delivery once its `next_attempt_at` is reached.
    public var isClaimable: Bool {
        self == .available || self == .scheduled || self == .retryable
    }
}
