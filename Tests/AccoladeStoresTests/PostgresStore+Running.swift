import Synchronization

@testable import AccoladeStores

/// The product runs a store's connection pool as a service in its `ServiceGroup`; a test opens a
/// store in one place and stops it in another (often a cleanup closure), so ``started()`` runs the
/// pool in a task of its own until ``stop()``.
extension PostgresStore {
    private static let runs = Mutex<[ObjectIdentifier: Task<Void, Never>]>([:])

    /// Starts running the pool (once) and returns the store.
    @discardableResult
    func started() -> PostgresStore {
        Self.runs.withLock { runs in
            if runs[ObjectIdentifier(self)] == nil {
                runs[ObjectIdentifier(self)] = Task { await self.run() }
            }
        }
        return self
    }

    /// Stops the pool started by ``started()`` and waits until every connection is closed.
    func stop() async {
        guard let task = Self.runs.withLock({ $0.removeValue(forKey: ObjectIdentifier(self)) }) else { return }
        task.cancel()
        await task.value
    }
}
