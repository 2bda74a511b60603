import AccoladeCore

/// The configured channels, one per kind, as the dispatcher and workers see them.
///
/// A kind that is absent is "not configured": routing to it is a validation error at send time.
public struct ChannelRegistry: Sendable {
    private let channels: [ChannelKind: any Channel]

    /// Creates a registry from channel implementations (the last one wins for a repeated kind).
    public init(_ channels: [any Channel]) {
        var byKind: [ChannelKind: any Channel] = [:]
        for channel in channels { byKind[channel.kind] = channel }
        self.channels = byKind
    }

    /// The channel for a kind, if configured.
    public subscript(kind: ChannelKind) -> (any Channel)? { channels[kind] }

    /// The configured kinds, in the default route order (QR first: others embed its artifact).
    public var kinds: [ChannelKind] { SendRequest.defaultOrder.filter { channels[$0] != nil } }
}
