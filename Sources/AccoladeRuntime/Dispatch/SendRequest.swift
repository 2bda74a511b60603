import AccoladeCore
import Foundation

/// A request to send one templated message, as it arrives from the CLI, a CSV row or the HTTP API.
public struct SendRequest: Sendable, Hashable {
    /// Template folder name.
    public var template: String
    /// Who receives it.
    public var recipient: Recipient
    /// Template data: a JSON object.
    public var data: JSONValue
    /// Locale; defaults to the recipient's, then the template default.
    public var locale: String?
    /// Channels in route order; `nil` picks every configured channel the template and recipient support.
    public var channels: [ChannelKind]?
    /// Route mode; default `all`.
    public var mode: RouteMode?
    /// At most one message per key; a replay with the same request returns the original.
    public var idempotencyKey: String?
    /// Do not deliver before this time.
    public var sendAt: Date?
    /// `send_at: optimal`: Accolade picks ``sendAt`` from the recipient's engagement when the
    /// message is accepted (``Dispatcher/pickSendTime(_:for:)``); never together with a time.
    public var optimalSendAt = false
    /// Do not deliver after this time.
    public var expiresAt: Date?
    /// The message's category; `nil` takes the workflow's (``workflowCategory``), then the
    /// template manifest's, then `rewards`.
    public var category: String?
    /// The category of the workflow sending it (run worker only), between the request's and the manifest's.
    public var workflowCategory: String?
    /// The workflow whose run sends this message (set by the run worker), recorded for reports.
    public var workflow: String?
    /// The sending workflow's `reward_value:` paths (run worker only), tried before the template
    /// manifest's when the message's issued value is read.
    public var workflowRewardValuePaths: [String] = []

    /// Creates a request.
    public init(
        template: String, recipient: Recipient, data: JSONValue = .object([:]), locale: String? = nil,
        channels: [ChannelKind]? = nil, mode: RouteMode? = nil, idempotencyKey: String? = nil,
        sendAt: Date? = nil, expiresAt: Date? = nil, category: String? = nil
    ) {
        self.category = category
        self.template = template
        self.recipient = recipient
        self.data = data
        self.locale = locale
        self.channels = channels
        self.mode = mode
        self.idempotencyKey = idempotencyKey
        self.sendAt = sendAt
        self.expiresAt = expiresAt
    }

    /// Route order used when the caller names no channels: QR first (others embed it), then the
    /// richest conversational channel down to email, then the in-app inbox — last, so that
    /// configuring the inbox never changes which channel a `fallback` route tries first.
    public static let defaultOrder: [ChannelKind] = [.qr, .whatsapp, .sms, .email, .inbox]
}

/// What became of one ``SendRequest``.
public enum SendOutcome: Sendable, Hashable {
    /// Durably queued now.
    case accepted(Message, [Delivery])
    /// The idempotency key was seen before with the same request: the original message.
    case replayed(Message, [Delivery])
    /// Refused; nothing was queued.
    case rejected(SendRejection)
}

/// Why a send was refused.
public enum SendRejection: Error, Sendable, Hashable, CustomStringConvertible {
    /// The request is invalid (unknown template, missing variable, bad address …).
    case invalid(ValidationError)
    /// The idempotency key belongs to a different request.
    case idempotencyConflict(key: String, existingMessageID: String)

    /// A message that says what to fix.
    public var description: String {
        switch self {
        case .invalid(let e): return e.description
        case .idempotencyConflict(let key, let id):
            return "idempotency key \"\(key)\" was already used for message \(id) with different content; use a new key or resend the original request"
        }
    }
}
