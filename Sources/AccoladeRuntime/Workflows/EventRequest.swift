import AccoladeCore
import Foundation

/// `POST /v1/events` / `accolade trigger`: something happened to these recipients.
public struct EventRequest: Sendable, Hashable {
    /// The event name (`deal.closed`); workflows whose `on:` names it start a run per recipient.
    public var event: String
    /// 1–1,000 recipients (none for `reward.redeemed`).
    public var recipients: [Recipient]
    /// The event's data (a JSON object).
    public var data: JSONValue
    /// Per recipient and workflow: a repeat with the same key replays the original runs.
    public var idempotencyKey: String?
    /// Cancels the runs later (`POST /v1/events/cancel`).
    public var cancellationKey: String?

    /// Creates a request.
    public init(event: String, recipients: [Recipient], data: JSONValue = .object([:]), idempotencyKey: String? = nil, cancellationKey: String? = nil) {
        self.event = event
        self.recipients = recipients
        self.data = data
        self.idempotencyKey = idempotencyKey
        self.cancellationKey = cancellationKey
    }

    /// The event that reports a redemption: `data.message_id` or `data.reward.code`, no recipients.
    public static let redemption = "reward.redeemed"
    /// Most recipients one event may name.
    public static let maxRecipients = 1000
}

/// What an event did, recipient by recipient (input order).
public enum EventOutcome: Sendable, Hashable {
    /// Runs started (or replayed), per recipient; empty lists when no workflow listens.
    case runs([RecipientRuns])
    /// A redemption: the runs it matched (possibly none).
    case redeemed(runIDs: [String])
}

/// One recipient's runs from one event.
public struct RecipientRuns: Sendable, Hashable {
    /// The recipient's index in the request.
    public var index: Int
    /// The recipient key.
    public var recipientKey: String
    /// One result per workflow listening to the event.
    public var results: [RunStartResult]

    /// Creates a result.
    public init(index: Int, recipientKey: String, results: [RunStartResult]) {
        self.index = index
        self.recipientKey = recipientKey
        self.results = results
    }

    /// Whether any of this recipient's runs conflicts with an earlier use of the key.
    public var hasConflict: Bool {
        results.contains { if case .conflict = $0 { true } else { false } }
    }
}
