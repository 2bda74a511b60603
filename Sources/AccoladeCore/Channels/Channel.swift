import Foundation

/// A way of getting a rendered message to a recipient: one implementation per provider.
///
/// Channels do no queueing and no retry bookkeeping. They try once and either return a
/// ``DeliveryReceipt`` or throw a ``DeliveryError`` whose ``DeliveryError/disposition`` tells the
/// worker what to do next.
public protocol Channel: Sendable {
    /// The kind of channel this provider serves.
    var kind: ChannelKind { get }
    /// The provider's configured name, recorded on every attempt (e.g. `smtp`, `gateway`).
    var providerName: String { get }
    /// Checks, before anything is queued, that the recipient has a valid address for this channel.
    func validate(recipient: Recipient) throws(ValidationError)
    /// Checks, before anything is queued, that a rendered message can be carried (e.g. the SMS
    /// segment limit), so an oversized render is refused at `send` time, not at delivery.
    func validate(content: RenderedContent) throws(ValidationError)
    /// Makes one delivery attempt.
    func deliver(_ request: DeliveryRequest) async throws(DeliveryError) -> DeliveryReceipt
}

extension Channel {
    /// Most channels carry anything their templates render.
    public func validate(content: RenderedContent) throws(ValidationError) {}
}

/// Everything a channel needs for one attempt.
public struct DeliveryRequest: Sendable {
    /// The delivery being attempted; stable across retries (email uses it for `Message-ID`).
    public var deliveryID: String
    /// The message the delivery belongs to.
    public var messageID: String
    /// 1 for the first attempt.
    public var attempt: Int
    /// Who receives it.
    public var recipient: Recipient
    /// The rendered parts for this channel.
    public var content: RenderedContent
    /// When the message was accepted; email uses it for the `Date` header so retries do not change it.
    public var createdAt: Date
    /// The suppression lookup done when the delivery was claimed, if any.
    public var suppression: SuppressionCheck
    /// The recipient's last inbound message, when looked up at claim time.
    public var lastInbound: InboundCheck
    /// The message's category (email adds an unsubscribe link for categories one may leave).
    public var category: String

    /// Creates a request.
    public init(
        deliveryID: String, messageID: String, attempt: Int, recipient: Recipient, content: RenderedContent, createdAt: Date,
        suppression: SuppressionCheck = .unknown, lastInbound: InboundCheck = .unknown, category: String = CategoriesConfig.defaultName
    ) {
        self.category = category
        self.deliveryID = deliveryID
        self.messageID = messageID
        self.attempt = attempt
        self.recipient = recipient
        self.content = content
        self.createdAt = createdAt
        self.suppression = suppression
        self.lastInbound = lastInbound
    }
}

/// A provider's acceptance of one message.
public struct DeliveryReceipt: Sendable, Hashable {
    /// The provider that accepted it.
    public var provider: String
    /// The provider's id for the message (SMTP queue id, Twilio SID, wamid), when it gives one.
    public var providerMessageID: String?
    /// The protocol code of the acceptance, e.g. SMTP `250` or HTTP `201`.
    public var code: String?
    /// A short, secret-free detail, e.g. the server's final reply line.
    public var detail: String
    /// The inbox item to write with the `sent` outcome (inbox channel only; nil elsewhere).
    public var inboxItem: InboxItemDraft?
    /// Billable units the provider accepted: an SMS's segments; nil counts as one.
    public var units: Int?

    /// Creates a receipt.
    public init(
        provider: String, providerMessageID: String? = nil, code: String? = nil, detail: String = "", inboxItem: InboxItemDraft? = nil
    ) {
        self.provider = provider
        self.providerMessageID = providerMessageID
        self.code = code
        self.detail = detail
        self.inboxItem = inboxItem
    }
}

/// What the worker should do after a failed attempt.
public enum DeliveryDisposition: Sendable, Hashable {
    /// A transient failure: retry with backoff, or after the provider-given delay.
    case retry(after: Duration?)
    /// The provider is throttling us: slow this provider down and retry after the delay.
    case rateLimited(after: Duration?)
    /// This delivery can never succeed as is: fail it (and let a `fallback` route move on).
    case permanent
    /// The recipient opted out: end the delivery as `skipped`.
    case suppressed
    /// The provider itself is misconfigured — its TLS certificate is rejected, our credentials are
    /// refused, STARTTLS is required but not offered — so every delivery through it would fail the
    /// same way until an operator fixes the configuration key `key` (e.g.
    /// `channels.email.smtp.ca_file`). The worker pauses the channel and probes it with backoff;
    /// the delivery stays queued, uses up no attempt and does not move a fallback route on.
    case misconfigured(key: String)
}

/// A failed delivery attempt, classified.
public struct DeliveryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What the worker does next.
    public var disposition: DeliveryDisposition
    /// The provider that failed.
    public var provider: String
    /// The protocol code: SMTP reply code, HTTP status, provider error code, or `curl:NN`.
    public var code: String?
    /// A short, secret-free explanation, e.g. the server's reply text.
    public var detail: String

    /// Creates a classified delivery error.
    public init(disposition: DeliveryDisposition, provider: String, code: String? = nil, detail: String) {
        self.disposition = disposition
        self.provider = provider
        self.code = code
        self.detail = detail
    }

    /// `provider code: detail`, for logs and the delivery log.
    public var description: String {
        "\(provider)\(code.map { " \($0)" } ?? ""): \(detail)"
    }
}

/// Bad input found before anything is queued: the message names the field and the value's problem.
public struct ValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The offending field, as a path (`to.email`, `data.reward.code`, `templates/reward-earned/email.html.mustache:12`).
    public var field: String
    /// What is wrong and how to fix it.
    public var reason: String

    /// Creates a validation error.
    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    /// `field: reason`.
    public var description: String { "\(field): \(reason)" }
}
