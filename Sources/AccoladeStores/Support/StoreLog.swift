import AccoladeCore
import Logging

/// Log lines both stores write, so SQLite and PostgreSQL report the same events the same way.
enum StoreLog {
    /// One debug line per enqueue batch.
    static func enqueued(_ logger: Logger, requests: Int, results: [EnqueueResult]) {
        logger.debug(
            "enqueued messages",
            metadata: [
                "store.requests": "\(requests)",
                "store.created": "\(results.filter { if case .created = $0 { true } else { false } }.count)",
            ])
    }

    /// One warning per rescued lease: a worker died or stalled past its lease.
    static func rescued(_ logger: Logger, _ rescued: [DeliveryUpdate]) {
        for r in rescued {
            logger.warning(
                "rescued a delivery whose lease expired",
                metadata: [
                    "delivery.id": "\(r.deliveryID)", "worker.owner": "\(r.leaseOwner)",
                    "delivery.failed": "\(r.state == .failed)",
                ])
        }
    }
}
