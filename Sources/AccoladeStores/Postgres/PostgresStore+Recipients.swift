import AccoladeCore
import Foundation
import PostgresNIO

extension PostgresStore {
    /// The suppression entry for `address` on `channel`.
    public func suppression(channel: ChannelKind, address: String) async throws -> Suppression? {
        try await rows(
            "read a suppression",
            """
            SELECT channel, address, reason, source, created_at FROM suppressions
            WHERE channel = \(channel.rawValue) AND address = \(address)
            """
        ).first.map(Self.suppression(from:))
    }

    /// Adds entries in one statement, keeping existing ones (their first reason).
    public func suppress(_ entries: [Suppression]) async throws -> Int {
        guard !entries.isEmpty else { return 0 }
        let channels = entries.map(\.channel.rawValue)
        let addresses = entries.map(\.address)
        let reasons = entries.map(\.reason)
        let sources = entries.map(\.source)
        let times = entries.map { StoreTime.millis($0.createdAt) }
        return try await write(
            "add suppressions",
            """
            INSERT INTO suppressions (channel, address, reason, source, created_at)
            SELECT * FROM unnest(\(channels)::text[], \(addresses)::text[], \(reasons)::text[], \(sources)::text[], \(times)::bigint[])
            ON CONFLICT (channel, address) DO NOTHING
            RETURNING 1
            """
        ).count
    }

    /// Removes an entry; true when there was one.
    public func unsuppress(channel: ChannelKind, address: String) async throws -> Bool {
        try await !write(
            "remove a suppression",
            "DELETE FROM suppressions WHERE channel = \(channel.rawValue) AND address = \(address) RETURNING 1"
        ).isEmpty
    }

    /// Entries in (address, channel) order after `address`.
    public func suppressions(channel: ChannelKind?, after address: String?, limit: Int) async throws -> [Suppression] {
        guard limit > 0 else { return [] }
        let channelName = channel?.rawValue
        return try await rows(
            "list suppressions",
            """
            SELECT channel, address, reason, source, created_at FROM suppressions
            WHERE (\(channelName)::text IS NULL OR channel = \(channelName))
              AND (\(address)::text IS NULL OR address > \(address))
            ORDER BY address, channel LIMIT \(limit)
            """
        ).map(Self.suppression(from:))
    }

    /// Records an inbound message time, keeping the latest.
    public func recordInbound(channel: ChannelKind, address: String, at time: Date) async throws {
        _ = try await write(
            "record inbound activity",
            """
            INSERT INTO inbound_activity (channel, address, last_inbound_at)
            VALUES (\(channel.rawValue), \(address), \(StoreTime.millis(time)))
            ON CONFLICT (channel, address) DO UPDATE
            SET last_inbound_at = GREATEST(inbound_activity.last_inbound_at, excluded.last_inbound_at)
            """)
    }

    /// The latest inbound message time for `address` on `channel`.
    public func lastInbound(channel: ChannelKind, address: String) async throws -> Date? {
        try await rows(
            "read inbound activity",
            "SELECT last_inbound_at FROM inbound_activity WHERE channel = \(channel.rawValue) AND address = \(address)"
        ).first.map { StoreTime.date(try $0.decode(Int64.self)) }
    }

    /// Looks the batch's recipients up in one query per channel (instead of round trips per
    /// delivery when each is sent): suppressed or clear, for window channels the last inbound time,
    /// and the recipients' opt-outs (one more round trip per batch, on `recipient_preferences`' key).
    func withRecipientChecks(_ claimed: [ClaimedDelivery]) async throws -> [ClaimedDelivery] {
        // Per channel, so each lookup uses the primary key (channel, address).
        let lookups = claimed.suppressionLookups
        var found: [Suppression] = []
        for (channel, addresses) in lookups {
            found += try await rows(
                "check suppressions",
                """
                SELECT channel, address, reason, source, created_at FROM suppressions
                WHERE channel = \(channel.rawValue) AND address = ANY(\(addresses)::text[])
                """
            ).map(Self.suppression(from:))
        }
        var inbound: [(channel: ChannelKind, address: String, at: Date)] = []
        for (channel, addresses) in lookups where InboundCheck.windowChannels.contains(channel) {
            for row in try await rows(
                "check inbound activity",
                """
                SELECT address, last_inbound_at FROM inbound_activity
                WHERE channel = \(channel.rawValue) AND address = ANY(\(addresses)::text[])
                """)
            {
                let (address, at) = try row.decode((String, Int64).self)
                inbound.append((channel, address, StoreTime.date(at)))
            }
        }
        return claimed.markingSuppressions(found).markingInbound(inbound).markingOptOuts(try await optOuts(of: claimed))
    }

    private static func suppression(from row: PostgresRow) throws -> Suppression {
        let (channel, address, reason, source, created) = try row.decode((String, String, String, String, Int64).self)
        return Suppression(
            channel: ChannelKind(rawValue: channel) ?? .sms, address: address, reason: reason, source: source,
            createdAt: StoreTime.date(created))
    }
}
