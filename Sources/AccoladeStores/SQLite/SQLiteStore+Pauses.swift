import AccoladeCore
import Foundation
import GRDB

extension SQLiteStore {
    /// Records (or refreshes) the channel's pause; the latest report wins.
    public func recordPause(_ pause: ProviderPause) async throws {
        try await writeFolding { db in
            try db.cachedStatement(
                sql: """
                    INSERT INTO provider_pauses (channel, provider, config_key, reason, since, next_probe_at, owner)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (channel) DO UPDATE SET provider = excluded.provider, config_key = excluded.config_key,
                        reason = excluded.reason, since = MIN(since, excluded.since),
                        next_probe_at = excluded.next_probe_at, owner = excluded.owner
                    """
            ).execute(arguments: [
                pause.channel.rawValue, pause.provider, pause.configKey, pause.reason, StoreTime.millis(pause.since),
                StoreTime.millis(pause.nextProbeAt), pause.owner,
            ])
        }
    }

    /// Removes the channel's pause.
    public func clearPause(channel: ChannelKind) async throws {
        try await writeFolding { db in
            try db.cachedStatement(sql: "DELETE FROM provider_pauses WHERE channel = ?").execute(arguments: [channel.rawValue])
        }
    }

    /// Every recorded pause, by channel.
    public func providerPauses() async throws -> [ProviderPause] {
        try await pool.read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: "SELECT channel, provider, config_key, reason, since, next_probe_at, owner FROM provider_pauses ORDER BY channel")
            ).compactMap { row in
                guard let channel = ChannelKind(rawValue: row[0]) else { return nil }
                return ProviderPause(
                    channel: channel, provider: row[1], configKey: row[2], reason: row[3], since: StoreTime.date(row[4] as Int64),
                    nextProbeAt: StoreTime.date(row[5] as Int64), owner: row[6])
            }
        }
    }
}
