import AccoladeCore
import Foundation
import PostgresNIO

extension PostgresStore {
    /// Records (or refreshes) the channel's pause; the latest report wins, the first `since` stays.
    public func recordPause(_ pause: ProviderPause) async throws {
        _ = try await write(
            "record a provider pause",
            """
            INSERT INTO provider_pauses (channel, provider, config_key, reason, since, next_probe_at, owner)
            VALUES (\(pause.channel.rawValue), \(pause.provider), \(pause.configKey), \(pause.reason),
                    \(StoreTime.millis(pause.since)), \(StoreTime.millis(pause.nextProbeAt)), \(pause.owner))
            ON CONFLICT (channel) DO UPDATE SET provider = excluded.provider, config_key = excluded.config_key,
                reason = excluded.reason, since = LEAST(provider_pauses.since, excluded.since),
                next_probe_at = excluded.next_probe_at, owner = excluded.owner
            """)
    }

    /// Removes the channel's pause.
    public func clearPause(channel: ChannelKind) async throws {
        _ = try await write("clear a provider pause", "DELETE FROM provider_pauses WHERE channel = \(channel.rawValue)")
    }

    /// Every recorded pause, by channel.
    public func providerPauses() async throws -> [ProviderPause] {
        try await rows(
            "read provider pauses",
            "SELECT channel, provider, config_key, reason, since, next_probe_at, owner FROM provider_pauses ORDER BY channel"
        ).compactMap { row in
            let (channel, provider, key, reason, since, probe, owner) = try row.decode(
                (String, String, String, String, Int64, Int64, String).self)
            guard let kind = ChannelKind(rawValue: channel) else { return nil }
            return ProviderPause(
                channel: kind, provider: provider, configKey: key, reason: reason, since: StoreTime.date(since),
                nextProbeAt: StoreTime.date(probe), owner: owner)
        }
    }
}
