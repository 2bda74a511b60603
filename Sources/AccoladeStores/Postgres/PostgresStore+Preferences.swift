import AccoladeCore
import Foundation
import PostgresNIO

extension PostgresStore {
    /// The explicit choices stored for `recipientKey`, ordered by category, then channel.
    public func preferences(recipientKey: String) async throws -> [Preference] {
        try await rows(
            "read preferences",
            """
            SELECT recipient_key, category, channel, opted_in, source, updated_at FROM recipient_preferences
            WHERE recipient_key = \(recipientKey) ORDER BY category, channel
            """
        ).compactMap(Self.preference(from:))
    }

    /// Inserts or replaces choices in one statement; an equal choice keeps its first time and source.
    public func setPreferences(_ choices: [Preference]) async throws -> Int {
        guard !choices.isEmpty else { return 0 }
        // One row per (key, category, channel): a statement may not touch a row twice.
        var latest: [String: Preference] = [:]
        var order: [String] = []
        for choice in choices {
            let id = "\(choice.recipientKey)\u{0}\(choice.category)\u{0}\(choice.channel.rawValue)"
            if latest[id] == nil { order.append(id) }
            latest[id] = choice
        }
        let unique = order.compactMap { latest[$0] }
        let keys = unique.map(\.recipientKey)
        let categories = unique.map(\.category)
        let channels = unique.map(\.channel.rawValue)
        let values = unique.map { $0.optedIn ? 1 : 0 }
        let sources = unique.map(\.source.rawValue)
        let times = unique.map { StoreTime.millis($0.updatedAt) }
        return try await write(
            "set preferences",
            """
            INSERT INTO recipient_preferences (recipient_key, category, channel, opted_in, source, updated_at)
            SELECT * FROM unnest(\(keys)::text[], \(categories)::text[], \(channels)::text[], \(values)::integer[],
                                 \(sources)::text[], \(times)::bigint[])
            ON CONFLICT (recipient_key, category, channel) DO UPDATE
            SET opted_in = excluded.opted_in, source = excluded.source, updated_at = excluded.updated_at
            WHERE recipient_preferences.opted_in <> excluded.opted_in
            RETURNING 1
            """
        ).count
    }

    /// The stored opt-outs of the batch's recipients: one statement on the primary key's prefix.
    func optOuts(of claimed: [ClaimedDelivery]) async throws -> [Preference] {
        let keys = claimed.preferenceLookups
        guard !keys.isEmpty else { return [] }
        return try await rows(
            "check preferences",
            """
            SELECT recipient_key, category, channel, opted_in, source, updated_at FROM recipient_preferences
            WHERE recipient_key = ANY(\(keys)::text[]) AND opted_in = 0
            """
        ).compactMap(Self.preference(from:))
    }

    /// A row as a choice; nil for a channel this build does not know (a newer writer's row).
    private static func preference(from row: PostgresRow) throws -> Preference? {
        let (key, category, channel, optedIn, source, updated) = try row.decode((String, String, String, Int32, String, Int64).self)
        guard let kind = ChannelKind(rawValue: channel) else { return nil }
        return Preference(
            recipientKey: key, category: category, channel: kind, optedIn: optedIn != 0,
            source: PreferenceSource(rawValue: source) ?? .api, updatedAt: StoreTime.date(updated))
    }
}
