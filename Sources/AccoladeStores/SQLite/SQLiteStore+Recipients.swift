import AccoladeCore
import Foundation
import GRDB

extension SQLiteStore {
    /// The suppression entry for `address` on `channel`.
    public func suppression(channel: ChannelKind, address: String) async throws -> Suppression? {
        try await pool.read { db in
            try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT channel, address, reason, source, created_at FROM suppressions WHERE channel = ? AND address = ?"),
                arguments: [channel.rawValue, address]
            ).map(Self.suppression(from:))
        }
    }

    /// Adds entries in one transaction, keeping existing ones (their first reason).
    public func suppress(_ entries: [Suppression]) async throws -> Int {
        guard !entries.isEmpty else { return 0 }
        return try await writeFolding { db in
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO suppressions (channel, address, reason, source, created_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (channel, address) DO NOTHING
                    """)
            var added = 0
            for entry in entries {
                try insert.execute(arguments: [
                    entry.channel.rawValue, entry.address, entry.reason, entry.source, StoreTime.millis(entry.createdAt),
                ])
                added += db.changesCount
            }
            return added
        }
    }

    /// Removes an entry; true when there was one.
    public func unsuppress(channel: ChannelKind, address: String) async throws -> Bool {
        try await writeFolding { db in
            try db.cachedStatement(sql: "DELETE FROM suppressions WHERE channel = ? AND address = ?")
                .execute(arguments: [channel.rawValue, address])
            return db.changesCount > 0
        }
    }

    /// Entries in (address, channel) order after `address`.
    public func suppressions(channel: ChannelKind?, after address: String?, limit: Int) async throws -> [Suppression] {
        guard limit > 0 else { return [] }
        return try await pool.read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT channel, address, reason, source, created_at FROM suppressions
                        WHERE (?1 IS NULL OR channel = ?1) AND (?2 IS NULL OR address > ?2)
                        ORDER BY address, channel LIMIT ?3
                        """),
                arguments: [channel?.rawValue, address, limit]
            ).map(Self.suppression(from:))
        }
    }

    /// Records an inbound message time, keeping the latest.
    public func recordInbound(channel: ChannelKind, address: String, at time: Date) async throws {
        try await writeFolding { db in
            try db.cachedStatement(
                sql: """
                    INSERT INTO inbound_activity (channel, address, last_inbound_at) VALUES (?, ?, ?)
                    ON CONFLICT (channel, address) DO UPDATE
                    SET last_inbound_at = max(last_inbound_at, excluded.last_inbound_at)
                    """
            ).execute(arguments: [channel.rawValue, address, StoreTime.millis(time)])
        }
    }

    /// The latest inbound message time for `address` on `channel`.
    public func lastInbound(channel: ChannelKind, address: String) async throws -> Date? {
        try await pool.read { db in
            try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT last_inbound_at FROM inbound_activity WHERE channel = ? AND address = ?"),
                arguments: [channel.rawValue, address]
            ).map { StoreTime.date($0) }
        }
    }

    /// Looks the batch's recipients up in one query per channel (instead of reads per delivery
    /// when each is sent): suppressed or clear, for window channels the last inbound time, and
    /// the recipients' opt-outs (one more statement per batch, on `recipient_preferences`' key).
    static func withRecipientChecks(_ claimed: [ClaimedDelivery], db: Database) throws -> [ClaimedDelivery] {
        // Per channel, so each lookup is a primary-key probe (channel, address) however big the list.
        let lookups = claimed.suppressionLookups
        var found: [Suppression] = []
        for (channel, addresses) in lookups {
            let marks = Array(repeating: "?", count: addresses.count).joined(separator: ",")
            found += try Row.fetchAll(
                db,
                sql: "SELECT channel, address, reason, source, created_at FROM suppressions WHERE channel = ? AND address IN (\(marks))",
                arguments: StatementArguments([channel.rawValue] + addresses)
            ).map(suppression(from:))
        }
        var inbound: [(channel: ChannelKind, address: String, at: Date)] = []
        for (channel, addresses) in lookups where InboundCheck.windowChannels.contains(channel) {
            let marks = Array(repeating: "?", count: addresses.count).joined(separator: ",")
            for row in try Row.fetchAll(
                db,
                sql: "SELECT address, last_inbound_at FROM inbound_activity WHERE channel = ? AND address IN (\(marks))",
                arguments: StatementArguments([channel.rawValue] + addresses))
            {
                inbound.append((channel, row[0], StoreTime.date(row[1] as Int64)))
            }
        }
        return claimed.markingSuppressions(found).markingInbound(inbound).markingOptOuts(try optOuts(of: claimed, db: db))
    }

    private static func suppression(from row: Row) -> Suppression {
        Suppression(
            channel: ChannelKind(rawValue: row[0]) ?? .sms, address: row[1], reason: row[2], source: row[3],
            createdAt: StoreTime.date(row[4] as Int64))
    }
}
