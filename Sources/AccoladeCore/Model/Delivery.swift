import Foundation

/// One (message, channel) pair and where it stands.
public struct Delivery: Sendable, Hashable, Codable {
    /// Time-sortable id (UUIDv7 text).
    public var id: String
    /// The owning message.
    public var messageID: String
    /// The channel this delivery uses.
    public var channel: ChannelKind
    /// Index of the channel in the message's route (fallback order).
    public var position: Int
    /// Current state.
    public var state: DeliveryState
    /// Attempts made so far (a rescued lease counts as an attempt: the worker may have sent it).
    public var attempts: Int
    /// When a worker may next claim it (`nil` while pending or final).
    public var nextAttemptAt: Date?
    /// The worker holding the lease while `running`.
    public var leaseOwner: String?
    /// When the lease runs out and the delivery may be rescued.
    public var leaseExpiresAt: Date?
    /// The provider of the last attempt.
    public var provider: String?
    /// The provider's message id from the successful attempt.
    public var providerMessageID: String?
    /// The reason of the last failure or skip, secret-free.
    public var lastError: String?
    /// What the provider charges for it: its accepted attempt's cost, 0 once the provider says
    /// it is free (a WhatsApp `pricing.type` `free_*`); nil when not accepted or not priced.
    public var cost: MicroMoney?
    /// Last change.
    public var updatedAt: Date

    /// Creates a delivery.
    public init(
        id: String, messageID: String, channel: ChannelKind, position: Int, state: DeliveryState, attempts: Int = 0,
        nextAttemptAt: Date?, leaseOwner: String? = nil, leaseExpiresAt: Date? = nil, provider: String? = nil,
        providerMessageID: String? = nil, lastError: String? = nil, updatedAt: Date
    ) {
        self.id = id
        self.messageID = messageID
        self.channel = channel
        self.position = position
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.leaseOwner = leaseOwner
        self.leaseExpiresAt = leaseExpiresAt
        self.provider = provider
        self.providerMessageID = providerMessageID
        self.lastError = lastError
        self.updatedAt = updatedAt
    }
}
