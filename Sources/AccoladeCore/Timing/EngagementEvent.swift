import Foundation

/// One sign that a recipient paid attention at a moment: what `send_at: optimal` learns from.
/// Only signals Accolade records exist (there is no click tracking).
public struct EngagementEvent: Sendable, Hashable {
    /// What happened.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// A WhatsApp message reported `read`.
        case whatsappRead = "whatsapp_read"
        /// An inbox item marked seen (the feed was opened).
        case inboxSeen = "inbox_seen"
        /// An inbox item marked read.
        case inboxRead = "inbox_read"
        /// A reward redeemed (`reward.redeemed`).
        case redemption
    }

    /// When it happened.
    public var at: Date
    /// What it was.
    public var kind: Kind

    /// Creates an event.
    public init(at: Date, kind: Kind) {
        self.at = at
        self.kind = kind
    }
}

/// The engagement a pick is made from: the recipient's own events and, for when they are too
/// few, those of recipients sharing their locale and time zone (the cohort), each bounded by
/// the store (newest first, at most ``EngagementHistory/recipientLimit`` and
/// ``EngagementHistory/cohortLimit``, none older than ``EngagementHistory/lookback``).
public struct EngagementHistory: Sendable, Hashable {
    /// How far back events are read: older ones weigh under 1/8 with a 30-day half-life.
    public static let lookback: TimeInterval = 90 * 86_400
    /// The most of one recipient's events read for one pick.
    public static let recipientLimit = 200
    /// The most of a cohort's events read for one pick.
    public static let cohortLimit = 2000

    /// The recipient's events.
    public var recipient: [EngagementEvent]
    /// The cohort's events (recipients of the same locale and zone, including this one).
    public var cohort: [EngagementEvent]
    /// How the cohort is named in explanations: `id/Asia/Jakarta`.
    public var cohortName: String

    /// Creates a history.
    public init(recipient: [EngagementEvent] = [], cohort: [EngagementEvent] = [], cohortName: String = "") {
        self.recipient = recipient
        self.cohort = cohort
        self.cohortName = cohortName
    }
}

/// Where `send_at: optimal` reads engagement: every store records the signals as they are written
/// — a `read` receipt (WhatsApp, inbox), an inbox item seen (its `delivered` receipt), a
/// redemption — in the same transaction, one row per (recipient key, instant, kind), and reads
/// them back bounded by ``EngagementHistory/lookback`` and the limits.
public protocol EngagementLog: Sendable {
    /// The newest engagement of `recipientKey` (at most ``EngagementHistory/recipientLimit``
    /// events) and of `cohort` (``Recipient/engagementCohort``; at most
    /// ``EngagementHistory/cohortLimit``), none before `now` minus ``EngagementHistory/lookback``.
    func engagementHistory(recipientKey: String, cohort: String, now: Date) async throws -> EngagementHistory
}

extension EngagementLog {
    /// The cutoff of a read at `now`, milliseconds (what both stores compare `at` with).
    public static func lookbackStart(now: Date) -> Date { now.addingTimeInterval(-EngagementHistory.lookback) }
}

extension Recipient {
    /// The cohort `send_at: optimal` falls back on: recipients of the same locale and time zone,
    /// as given on the message (`id/Asia/Jakarta`; either part empty when not given).
    public var engagementCohort: String { "\(locale ?? "")/\(timezone ?? "")" }
}

extension EngagementEvent.Kind {
    /// The signal a receipt of `state` on `channel` from `provider` is, if any: the inbox's
    /// marks (provider `inbox`: `delivered` is an item seen, `read` read) and `read` on WhatsApp.
    /// Email and SMS report no reads.
    public init?(receipt state: DeliveryState, channel: ChannelKind, provider: String?) {
        switch (state, channel) {
        case (.delivered, _) where provider == InboxItemChange.receiptProvider: self = .inboxSeen
        case (.read, _) where provider == InboxItemChange.receiptProvider: self = .inboxRead
        case (.read, .whatsapp): self = .whatsappRead
        default: return nil
        }
    }
}
