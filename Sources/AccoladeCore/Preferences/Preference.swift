import Foundation

/// Where a recipient's preference was set: shown in `status` when it stops a delivery and kept
/// with the choice, because "who unsubscribed me?" is the first question support hears.
public enum PreferenceSource: String, Sendable, Hashable, Codable, CaseIterable {
    /// `PUT /v1/recipients/{key}/preferences` (the caller's backend).
    case api
    /// `accolade preferences set`.
    case cli
    /// The hosted preferences page (`GET/POST /v1/preferences/{token}`).
    case page
    /// A one-click or confirmed unsubscribe link (`/v1/unsubscribe/{token}`, RFC 8058).
    case unsubscribe

    /// How a reason line names it.
    public var displayName: String {
        switch self {
        case .api: "API"
        case .cli: "CLI"
        case .page: "preferences page"
        case .unsubscribe: "unsubscribe link"
        }
    }
}

/// One explicit choice of a recipient for a category on a channel.
///
/// Only explicit choices are stored; without one a recipient is opted in (the default), and a
/// `required` category ignores stored opt-outs.
public struct Preference: Sendable, Hashable, Codable {
    /// The recipient key (DESIGN.md §9: CRM id, else lower-cased email, else phone, else WhatsApp).
    public var recipientKey: String
    /// The category (``CategoriesConfig``).
    public var category: String
    /// The channel.
    public var channel: ChannelKind
    /// True: opted in; false: opted out.
    public var optedIn: Bool
    /// Where it was set.
    public var source: PreferenceSource
    /// When the current value was set (a repeat of the same choice keeps the first time).
    public var updatedAt: Date

    /// Creates a choice.
    public init(recipientKey: String, category: String, channel: ChannelKind, optedIn: Bool, source: PreferenceSource, updatedAt: Date) {
        self.recipientKey = recipientKey
        self.category = category
        self.channel = channel
        self.optedIn = optedIn
        self.source = source
        self.updatedAt = updatedAt
    }

    /// The reason a skipped delivery shows: `recipient opted out of rewards on email (unsubscribe
    /// link, 2026-12-07)` — which preference, where and when (UTC day) it was set.
    public var skipReason: String {
        let day = ISOTime.format(updatedAt).prefix(10)
        return "recipient opted out of \(category) on \(channel.rawValue) (\(source.displayName), \(day))"
    }
}

/// The recipients' preferences, shared by every process on a store.
///
/// Workers do not call it per delivery: stores look the opt-outs of a whole claimed batch up in
/// the claim (``ClaimedDelivery/optOut``).
public protocol PreferenceStore: Sendable {
    /// The explicit choices stored for `recipientKey`, ordered by category, then channel.
    func preferences(recipientKey: String) async throws -> [Preference]
    /// Stores choices in one transaction (insert, or replace a different value). A choice equal
    /// to the stored one changes nothing (its first time and source stay), so a repeated
    /// unsubscribe is harmless. Returns how many changed.
    @discardableResult
    func setPreferences(_ choices: [Preference]) async throws -> Int
}

extension [ClaimedDelivery] {
    /// The distinct recipient keys of the batch, sorted: the claim's one preference lookup.
    public var preferenceLookups: [String] {
        Set(compactMap { $0.message.recipient.key }).sorted()
    }

    /// The batch with every delivery whose recipient opted out of its message's category on its
    /// channel marked with that choice, given the stored opt-outs of ``preferenceLookups``.
    public func markingOptOuts(_ found: [Preference]) -> [ClaimedDelivery] {
        guard !found.isEmpty else { return self }
        let byKey = Dictionary(found.filter { !$0.optedIn }.map { ("\($0.recipientKey)\u{0}\($0.category)\u{0}\($0.channel.rawValue)", $0) }) { a, _ in a }
        return map { item in
            guard let key = item.message.recipient.key else { return item }
            var item = item
            item.optOut = byKey["\(key)\u{0}\(item.message.category)\u{0}\(item.delivery.channel.rawValue)"]
            return item
        }
    }
}
