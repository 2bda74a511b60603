import Foundation

/// A recipient's effective preferences: every configured category × every configured channel,
/// with the stored choice where there is one, else opted in; `required` categories always in.
///
/// Pure, so the API, the CLI and the hosted page show the same answer the worker acts on.
public struct PreferenceTable: Sendable, Hashable {
    /// One category × channel cell.
    public struct Entry: Sendable, Hashable {
        /// The category's name.
        public var category: String
        /// Its display name in the asked locale (the name itself when none is configured).
        public var displayName: String
        /// Transactional: always opted in, whatever is stored.
        public var required: Bool
        /// The channel.
        public var channel: ChannelKind
        /// Whether messages of the category go out on the channel.
        public var optedIn: Bool
        /// The stored choice behind it; nil for the default.
        public var choice: Preference?

        /// The shape the API and `preferences show --json` answer with.
        public var json: JSONValue {
            var object: [String: JSONValue] = [:]
            object["category"] = .string(category)
            object["name"] = .string(displayName)
            object["required"] = .bool(required)
            object["channel"] = .string(channel.rawValue)
            object["opted_in"] = .bool(optedIn)
            object["source"] = choice.map { JSONValue.string($0.source.rawValue) } ?? .null
            object["updated_at"] = choice.map { JSONValue.string(ISOTime.format($0.updatedAt)) } ?? .null
            return .object(object)
        }
    }

    /// The cells, by category name then channel order.
    public var entries: [Entry]

    /// Resolves `stored` (one recipient's choices) against the configuration.
    public init(categories: CategoriesConfig, channels: [ChannelKind], stored: [Preference], locale: String?) {
        let choices = Dictionary(stored.map { ("\($0.category)\u{0}\($0.channel.rawValue)", $0) }) { a, _ in a }
        var entries: [Entry] = []
        for name in categories.names {
            guard let category = categories[name] else { continue }
            let display = Self.displayName(category, locale: locale)
            for channel in channels {
                let choice = choices["\(name)\u{0}\(channel.rawValue)"]
                entries.append(
                    Entry(
                        category: name, displayName: display, required: category.required, channel: channel,
                        optedIn: category.required || (choice?.optedIn ?? true), choice: choice))
            }
        }
        self.entries = entries
    }

    /// The category's display name for `locale`: the exact tag, then its language (`id` for
    /// `id-ID`), then `en`, then any configured name, then the category's own name.
    public static func displayName(_ category: MessageCategory, locale: String?) -> String {
        let names = category.displayNames
        if let locale {
            let tag = locale.replacingOccurrences(of: "_", with: "-")
            if let exact = names.first(where: { $0.key.caseInsensitiveCompare(tag) == .orderedSame })?.value { return exact }
            let language = tag.split(separator: "-").first.map(String.init) ?? tag
            if let match = names.first(where: { $0.key.caseInsensitiveCompare(language) == .orderedSame })?.value { return match }
        }
        if let english = names["en"] { return english }
        return names.sorted { $0.key < $1.key }.first?.value ?? category.name
    }
}

/// A requested change: opt `category` on `channel` in or out.
public struct PreferenceChange: Sendable, Hashable {
    /// The category.
    public var category: String
    /// The channel.
    public var channel: ChannelKind
    /// In (true) or out (false).
    public var optedIn: Bool

    /// Creates a change.
    public init(category: String, channel: ChannelKind, optedIn: Bool) {
        self.category = category
        self.channel = channel
        self.optedIn = optedIn
    }

    /// Checks changes against the configuration before anything is stored: an unknown category
    /// or channel, or opting out of a `required` category, refuses them all.
    public static func validate(
        _ changes: [PreferenceChange], categories: CategoriesConfig, channels: [ChannelKind], field: (Int) -> String
    ) throws(ValidationError) {
        for (index, change) in changes.enumerated() {
            guard let category = categories[change.category] else {
                throw ValidationError(
                    field: "\(field(index)).category",
                    reason: "unknown category \"\(change.category.prefix(100))\" (known: \(categories.names.joined(separator: ", ")))")
            }
            guard channels.contains(change.channel) else {
                throw ValidationError(
                    field: "\(field(index)).channel",
                    reason: "channel \(change.channel.rawValue) is not configured (configured: \(channels.map(\.rawValue).joined(separator: ", ")))")
            }
            if category.required && !change.optedIn {
                throw ValidationError(
                    field: "\(field(index)).opted_in",
                    reason: "category \(category.name) is required (transactional): it cannot be opted out of")
            }
        }
    }

    /// The choices to store for `recipientKey`.
    public static func choices(_ changes: [PreferenceChange], recipientKey: String, source: PreferenceSource, at now: Date) -> [Preference] {
        changes.map {
            Preference(recipientKey: recipientKey, category: $0.category, channel: $0.channel, optedIn: $0.optedIn, source: source, updatedAt: now)
        }
    }
}
