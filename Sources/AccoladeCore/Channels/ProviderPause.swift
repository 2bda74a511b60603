import Foundation

/// A channel a worker has paused because its provider is misconfigured (certificate rejected,
/// credentials refused): deliveries wait, queued, until a probe gets through.
public struct ProviderPause: Sendable, Hashable, Codable {
    /// The paused channel.
    public var channel: ChannelKind
    /// The provider that reported the fault.
    public var provider: String
    /// The configuration key to fix.
    public var configKey: String
    /// The provider's error, secret-free.
    public var reason: String
    /// When the fault was first seen.
    public var since: Date
    /// When the next probe is due.
    public var nextProbeAt: Date
    /// The worker that recorded it.
    public var owner: String

    /// Creates a record.
    public init(
        channel: ChannelKind, provider: String, configKey: String, reason: String, since: Date, nextProbeAt: Date, owner: String
    ) {
        self.channel = channel
        self.provider = provider
        self.configKey = configKey
        self.reason = reason
        self.since = since
        self.nextProbeAt = nextProbeAt
        self.owner = owner
    }
}

/// Where workers publish paused channels so that every process (`accolade stats`, `/readyz`,
/// `/metrics` of an API node) can show them. One row per channel: the latest report wins.
public protocol ProviderPauseBoard: Sendable {
    /// Records (or refreshes) a pause.
    func recordPause(_ pause: ProviderPause) async throws
    /// Removes the channel's pause: a probe got through.
    func clearPause(channel: ChannelKind) async throws
    /// Every recorded pause, by channel.
    func providerPauses() async throws -> [ProviderPause]
}
