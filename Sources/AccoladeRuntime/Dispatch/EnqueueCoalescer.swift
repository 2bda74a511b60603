import AccoladeCore
import Foundation

/// Group commit for enqueues: concurrent single sends (one per HTTP request) share store
/// transactions instead of paying one durable commit (one fsync) each.
///
/// A caller's send is acknowledged only after the transaction holding it commits, so "accepted
/// means durable" holds per request. While a transaction is being written, new arrivals queue
/// up and go together in the next one; an idle coalescer writes a lone request at once, so a
/// quiet server adds no latency.
public actor EnqueueCoalescer {
    private typealias Waiter = CheckedContinuation<EnqueueResult, any Error>

    private let store: any Store
    private let maxBatch: Int
    private var pending: [(request: EnqueueRequest, waiter: Waiter)] = []
    private var writing = false

    /// Creates a coalescer writing at most `maxBatch` messages per transaction.
    public init(store: any Store, maxBatch: Int = 512) {
        self.store = store
        self.maxBatch = max(1, maxBatch)
    }

    /// Stores one message, sharing the transaction with whatever else is waiting.
    public func enqueue(_ request: EnqueueRequest) async throws -> EnqueueResult {
        try await withCheckedThrowingContinuation { (waiter: Waiter) in
            pending.append((request, waiter))
            if !writing {
                writing = true
                Task { await self.drain() }
            }
        }
    }

    /// Writes batches until nothing is waiting. Runs as one task at a time (`writing`).
    private func drain() async {
        while !pending.isEmpty {
            let take = min(pending.count, maxBatch)
            let batch = Array(pending.prefix(take))
            pending.removeFirst(take)
            // The actor is free while the store writes, so arrivals join the next batch.
            do {
                let results = try await store.enqueue(batch.map(\.request))
                for (entry, result) in zip(batch, results) { entry.waiter.resume(returning: result) }
            } catch {
                for entry in batch { entry.waiter.resume(throwing: error) }
            }
        }
        writing = false
    }
}
