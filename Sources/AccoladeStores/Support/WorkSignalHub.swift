import Foundation
import Synchronization

/// Wakes the workers of this process when this process made work due (enqueue, requeue,
/// fallback activation, release, rescue).
///
/// SQLite has no notifications between processes, so a worker in another process still polls;
/// but `accolade serve` runs the API and its worker on one store, and there a message accepted by
/// the API is claimed at once instead of at the next poll.
final class WorkSignalHub: Sendable {
    private let subscribers = Mutex<[UUID: AsyncStream<Void>.Continuation]>([:])

    /// A stream that yields after each signal (coalesced: at most one pending), until the consumer stops.
    func subscribe() -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let id = UUID()
        subscribers.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.removeValue(forKey: id) }
        }
        return stream
    }

    /// Wakes every subscriber.
    func signal() {
        for continuation in subscribers.withLock({ Array($0.values) }) { continuation.yield() }
    }
}
