import Foundation

/// How one attempt ended.
public enum AttemptOutcome: String, Sendable, Hashable, Codable, CaseIterable {
    /// The provider accepted the message.
    case sent
    /// Transient failure; will be retried.
    case retry
    /// The provider throttled us; will be retried later.
    case rateLimited = "rate_limited"
    /// Permanent failure, or the last allowed attempt failed.
    case failed
    /// Not attempted: suppressed recipient, expired message.
    case skipped
    /// The worker's lease ran out before it reported (killed worker); rescued for another try.
    case leaseExpired = "lease_expired"
    /// The provider is misconfigured (rejected certificate, refused credentials): the delivery
    /// stays queued while the channel is paused; the attempt is not counted.
    case paused
}

/// One try of a delivery: append-only history for "what happened to this message?".
public struct Attempt: Sendable, Hashable, Codable {
    /// The delivery tried.
    public var deliveryID: String
    /// 1-based attempt number within the delivery.
    public var number: Int
    /// When the attempt started.
    public var startedAt: Date
    /// When it ended.
    public var finishedAt: Date
    /// The provider used (`smtp`), or the component that decided (`worker`, `rescuer`).
    public var provider: String
    /// How it ended.
    public var outcome: AttemptOutcome
    /// Protocol code: SMTP reply, HTTP status, provider error code or `curl:NN`.
    public var code: String?
    /// Short, secret-free detail.
    public var detail: String
    /// What the provider charges for an accepted attempt, at the price in force when it was sent
    /// (``CostModel``); nil when not accepted or not priced.
    public var cost: MicroMoney?

    /// Creates an attempt record.
    public init(
        deliveryID: String, number: Int, startedAt: Date, finishedAt: Date, provider: String,
        outcome: AttemptOutcome, code: String?, detail: String, cost: MicroMoney? = nil
    ) {
        self.cost = cost
        self.deliveryID = deliveryID
        self.number = number
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.provider = provider
        self.outcome = outcome
        self.code = code
        self.detail = detail
    }

    /// Wall time the attempt took.
    public var duration: TimeInterval { finishedAt.timeIntervalSince(startedAt) }
}
