/// How a message's channels are used.
public enum RouteMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Deliver on every channel of the route.
    case all
    /// Try the channels in order; move on only when one fails permanently.
    case fallback
}

/// An ordered list of channels and the mode that combines them.
public struct Route: Sendable, Hashable, Codable {
    /// The channels, in order; never empty and without repeats.
    public var channels: [ChannelKind]
    /// How the channels combine.
    public var mode: RouteMode

    /// Creates a route.
    public init(channels: [ChannelKind], mode: RouteMode) {
        self.channels = channels
        self.mode = mode
    }
}
