import Foundation
import Synchronization

/// When each address last wrote to us on a channel: WhatsApp's 24-hour customer-service window
/// opens with every inbound message, and free text may only be sent inside it.
///
/// Every ``Store`` keeps this log for all processes; ``InMemoryInboundActivityLog`` serves tests.
public protocol InboundActivityLog: Sendable {
    /// Records an inbound message at `time`; an earlier time than the one stored changes nothing
    /// (webhooks arrive out of order).
    func recordInbound(channel: ChannelKind, address: String, at time: Date) async throws
    /// The latest inbound message time for `address` on `channel`, or nil when it never wrote.
    func lastInbound(channel: ChannelKind, address: String) async throws -> Date?
}

/// A process-local ``InboundActivityLog``.
public final class InMemoryInboundActivityLog: InboundActivityLog {
    private let times = Mutex<[String: Date]>([:])

    /// Creates an empty log.
    public init() {}

    /// Records an inbound message, keeping the latest time.
    public func recordInbound(channel: ChannelKind, address: String, at time: Date) async throws {
        times.withLock { times in
            let key = "\(channel.rawValue) \(address)"
            if let known = times[key], known >= time { return }
            times[key] = time
        }
    }

    /// The latest inbound time.
    public func lastInbound(channel: ChannelKind, address: String) async throws -> Date? {
        times.withLock { $0["\(channel.rawValue) \(address)"] }
    }
}

/// What is known about a recipient's last inbound message when a delivery is attempted.
///
/// Stores look the whole claimed batch up in one query for the channels with a reply window
/// (``windowChannels``); a request built elsewhere says `unknown` and the channel asks its log.
public enum InboundCheck: Sendable, Hashable {
    /// Not looked up: the channel must ask its log.
    case unknown
    /// Looked up when the delivery was claimed: the last inbound time, nil when they never wrote.
    case known(Date?)

    /// Channels whose sending rules depend on the last inbound message (WhatsApp's 24-hour window).
    public static let windowChannels: Set<ChannelKind> = [.whatsapp]

    /// The last inbound time, asking `log` only when nothing was looked up yet.
    public func resolve(channel: ChannelKind, address: String, log: (any InboundActivityLog)?) async throws -> Date? {
        switch self {
        case .known(let time): return time
        case .unknown: return try await log?.lastInbound(channel: channel, address: address)
        }
    }
}
