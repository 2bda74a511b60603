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
