import Foundation

/// `channels.sms`: SMS gateways tried in order (filled in by the SMS channel work).
public struct SMSChannelConfig: Sendable, Hashable {
    /// Longest render accepted at `send` time, in segments.
    public var maxSegments: Int

    /// Creates an SMS section.
    public init(maxSegments: Int = 6) {
        self.maxSegments = maxSegments
    }

    init(_ node: ConfigNode) throws(ConfigError) {
        maxSegments = try node.int("max_segments", in: 1...255) ?? 6
        try node.rejectUnknownKeys()
    }
}
