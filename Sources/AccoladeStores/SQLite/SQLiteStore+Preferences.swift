import AccoladeCore
import Foundation
import GRDB

extension SQLiteStore {
    /// The explicit choices stored for `recipientKey`, ordered by category, then channel.
    public func preferences(recipientKey: String) async throws -> [Preference] {
        try await pool.read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT recipient_key, category, channel, opted_in, source, updated_at FROM recipient_preferences
                        WHERE recipient_key = ? ORDER BY category, channel
                        """),
                arguments: [recipientKey]
            ).compactMap(Self.preference(from:))
        }
    }

    /// Inserts or replaces choices in one transaction; an equal choice keeps its first time and source.
    public func setPreferences(_ choices: [Preference]) async throws -> Int {
        guard !choices.isEmpty else { return 0 }
        return try await writeFolding { db in
            let upsert = try db.cachedStatement(
                sql: """
                    INSERT INTO recipient_preferences (recipient_key, category, channel, opted_in, source, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (recipient_key, category, channel) DO UPDATE
                    SET opted_in = excluded.opted_in, source = excluded.source, updated_at = excluded.updated_at
                    WHERE opted_in <> excluded.opted_in
                    """)
            var changed = 0
            for choice in choices {
                try upsert.execute(arguments: [
                    choice.recipientKey, choice.category, choice.channel.rawValue, choice.optedIn ? 1 : 0, choice.source.rawValue,
                    StoreTime.millis(choice.updatedAt),
                ])
                changed += db.changesCount
            }
            return changed
        }
    }

    /// The stored opt-outs of the batch's recipients: one statement on the primary key's prefix.
    static func optOuts(of claimed: [ClaimedDelivery], db: Database) throws -> [Preference] {
        let keys = claimed.preferenceLookups
        guard !keys.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: keys.count).joined(separator: ",")
        return try Row.fetchAll(
            db,
            sql: """
                SELECT recipient_key, category, channel, opted_in, source, updated_at FROM recipient_preferences
                WHERE recipient_key IN (\(marks)) AND opted_in = 0
                """,
            arguments: StatementArguments(keys)
        ).compactMap(preference(from:))
    }

    /// A row as a choice; nil for a channel this build does not know (a newer writer's row).
    private static func preference(from row: Row) -> Preference? {
        guard let channel = ChannelKind(rawValue: row[2]) else { return nil }
        return Preference(
            recipientKey: row[0], category: row[1], channel: channel, optedIn: (row[3] as Int64) != 0,
            source: PreferenceSource(rawValue: row[4]) ?? .api, updatedAt: StoreTime.date(row[5] as Int64))
    }
}
