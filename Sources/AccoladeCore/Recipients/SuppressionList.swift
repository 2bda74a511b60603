import Foundation

/// Addresses that must not be contacted on a channel: the recipient opted out (SMS `STOP`,
/// a WhatsApp opt-out), or the provider said they had (Twilio 21610, WhatsApp 131050).
///
/// Channels ask before calling any provider and end a suppressed delivery as `skipped` with the
/// reason. Entries are per channel: opting out of SMS does not silence email or WhatsApp. Every
/// ``Store`` is a suppression list shared by all processes on it; ``InMemorySuppressionList``
/// serves tests and stand-alone channels.
public protocol SuppressionList: Sendable {
    /// The entry for `address` on `channel`, or nil when it may be contacted.
    func suppression(channel: ChannelKind, address: String) async throws -> Suppression?
    /// Adds entries; an address already suppressed keeps its first reason. Returns how many were new.
    @discardableResult
    func suppress(_ entries: [Suppression]) async throws -> Int
    /// Removes `address` from `channel`'s list. Returns whether it was there.
    @discardableResult
    func unsuppress(channel: ChannelKind, address: String) async throws -> Bool
    /// Entries in address order after `address` (a cursor), optionally for one channel.
    func suppressions(channel: ChannelKind?, after address: String?, limit: Int) async throws -> [Suppression]
}

/// One suppressed address.
public struct Suppression: Sendable, Hashable, Codable {
    /// The channel the address must not receive.
    public var channel: ChannelKind
    /// The address as the channel uses it (E.164 number, email address).
    public var address: String
    /// Why, for operators: `replied STOP`, `twilio 21610: …`.
    public var reason: String
    /// Who added it: `inbound:twilio`, `inbound:kannel`, `provider:twilio`, `cli`, `api`.
    public var source: String
    /// When it was added.
    public var createdAt: Date

    /// Creates an entry.
    public init(channel: ChannelKind, address: String, reason: String, source: String, createdAt: Date) {
        self.channel = channel
        self.address = address
        self.reason = reason
        self.source = source
        self.createdAt = createdAt
    }
}
