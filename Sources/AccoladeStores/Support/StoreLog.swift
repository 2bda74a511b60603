import AccoladeCore
import Foundation
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

extension StoreLog {
    /// A held receipt applied when its outcome was written; a `failed` one that could not
    /// override `delivered`/`read` is said at `notice` (kept in the history only).
    static func heldReceiptApplied(_ logger: Logger, deliveryID: String, state: DeliveryState, outcome: ReceiptOutcome) {
        let metadata: Logger.Metadata = [
            "delivery.id": "\(deliveryID)", "receipt.status": "\(state.rawValue)", "receipt.outcome": "\(outcome)",
        ]
        if state == .failed, outcome == .recorded {
            logger.notice("failed receipt kept as history only: the delivery had already advanced", metadata: metadata)
        } else {
            logger.debug("held receipt applied", metadata: metadata)
        }
    }

    /// What a sweep of held receipts did, when it did anything.
    static func swept(_ logger: Logger, _ sweep: UnmatchedReceiptSweep, cutoff: Date) {
        if sweep.matched > 0 {
            logger.info("applied held receipts whose outcome was written since", metadata: ["store.count": "\(sweep.matched)"])
        }
        if sweep.purged > 0 {
            logger.notice(
                "purged receipts that matched no delivery within webhooks.unmatched_receipt_ttl",
                metadata: ["store.count": "\(sweep.purged)", "store.cutoff": "\(ISOTime.format(cutoff))"])
        }
    }
}
