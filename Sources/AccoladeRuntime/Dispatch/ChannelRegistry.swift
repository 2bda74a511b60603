import AccoladeCore

/// The configured channels, one per kind, as the dispatcher and workers see them.
///
/// A kind that is absent is "not configured": routing to it is a validation error at send time.
public struct ChannelRegistry: Sendable {
    private let channels: [ChannelKind: any Channel]
    private let disabled: [ChannelKind: String]

    /// Creates a registry from channel implementations (the last one wins for a repeated kind).
    /// `disabled` says why a configured kind has no channel (its credentials are unset), so a
    /// send routed to it is refused with what to set instead of "not configured".
    public init(_ channels: [any Channel], disabled: [ChannelKind: String] = [:]) {
        var byKind: [ChannelKind: any Channel] = [:]
        for channel in channels { byKind[channel.kind] = channel }
        self.channels = byKind
        self.disabled = disabled.filter { byKind[$0.key] == nil }
    }

    /// Why a configured kind has no channel in this process, when it was disabled.
    public func disabledReason(_ kind: ChannelKind) -> String? { disabled[kind] }

    /// The channel for a kind, if configured.
    public subscript(kind: ChannelKind) -> (any Channel)? { channels[kind] }

    /// The configured kinds, in the default route order (QR first: others embed its artifact).
    public var kinds: [ChannelKind] { SendRequest.defaultOrder.filter { channels[$0] != nil } }
}
