import AccoladeCore
import Foundation

/// How one worker process claims and delivers.
public struct WorkerSettings: Sendable, Hashable {
    /// The lease owner name; unique per worker process (host, pid and a random suffix).
    public var owner: String
    /// Deliveries in flight at once.
    public var concurrency: Int
    /// Most deliveries claimed per store transaction.
    public var batchSize: Int
    /// Lease length, seconds.
    public var lease: TimeInterval
    /// Idle poll interval, seconds.
    public var pollInterval: TimeInterval
    /// Grace period for in-flight deliveries on shutdown, seconds.
    public var shutdownGrace: TimeInterval
    /// Retry policy.
    public var retry: RetryPolicy
    /// Exit once nothing is available, retryable or running (waiting for retries and for other
    /// workers' leases to be rescued); `scheduled` future sends and `pending` fallbacks do not count.
    public var drain: Bool
    /// When paused channels are probed (5 s doubling to 5 min; tests shorten it).
    var pauseProbes = ChannelPauses.Settings()
    /// How long receipts that match no delivery are kept before the periodic sweep purges them,
    /// seconds (`webhooks.unmatched_receipt_ttl`).
    public var unmatchedReceiptTTL: TimeInterval = WebhooksConfig.defaultUnmatchedReceiptTTL

    /// Builds settings from the `worker` configuration section.
    public init(config: WorkerConfig, owner: String = WorkerSettings.defaultOwner(), drain: Bool = false) {
        self.owner = owner
        self.concurrency = config.concurrency
        self.batchSize = config.batchSize
        self.lease = config.lease
        self.pollInterval = config.pollInterval
        self.shutdownGrace = config.shutdownGrace
        self.retry = config.retry
        self.drain = drain
    }

    /// `hostname:pid:random`, unique enough that two processes never share leases.
    public static func defaultOwner() -> String {
        let host = ProcessInfo.processInfo.hostName
        return "\(host):\(ProcessInfo.processInfo.processIdentifier):\(UInt32.random(in: 0...UInt32.max))"
    }
}
