import AccoladeCore
import Foundation
import GRDB

extension SQLiteStore {
    /// How often ``inboxSignals()`` looks for feed changes: well inside the one second an `item`
    /// event may take, and one index probe each time.
    public static let inboxPollInterval = Duration.milliseconds(250)

    /// Feed changes committed by any process on the file (this one, or a separate `accolade
    /// worker`), found by polling the store-wide change mark every ``inboxPollInterval``: SQLite
    /// has no notifications between processes. Starts with ``InboxSignal/resync``.
    public func inboxSignals() -> AsyncStream<InboxSignal>? {
        inboxSignals(every: Self.inboxPollInterval)
    }

    /// ``inboxSignals()`` with another poll interval (tests).
    ///
    /// Each poll reads `MAX(change_mark)` (one probe of its index) and only when it moved reads the
    /// changed feeds, in pages. A failed read is retried at the next poll from the same mark, so
    /// nothing is skipped; more than ``inboxSignalPageLimit`` pages at once yields one `resync`
    /// instead of a flood of signals.
    public func inboxSignals(every interval: Duration) -> AsyncStream<InboxSignal> {
        let (stream, continuation) = AsyncStream.makeStream(of: InboxSignal.self, bufferingPolicy: .bufferingNewest(4096))
        let pool = self.pool
        let logger = self.logger
        let task = Task {
            var mark: Int64?
            var failing = false
            while !Task.isCancelled {
                do {
                    let newest = try await pool.read { db in
                        try Int64.fetchOne(db.cachedStatement(sql: "SELECT COALESCE(MAX(change_mark), 0) FROM inbox_feeds")) ?? 0
                    }
                    if failing {
                        logger.info("inbox change polling works again")
                        failing = false
                    }
                    guard let seen = mark else {
                        mark = newest
                        continuation.yield(.resync)
                        try? await Task.sleep(for: interval)
                        continue
                    }
                    if newest > seen {
                        var after = seen
                        var pages = 0
                        while after < newest, pages < Self.inboxSignalPageLimit {
                            let changes = try await self.inboxChanges(after: after, limit: 500)
                            guard !changes.feeds.isEmpty else { break }
                            for feed in changes.feeds { continuation.yield(.changed(recipientKey: feed.recipientKey)) }
                            after = changes.mark
                            pages += 1
                        }
                        if after < newest { continuation.yield(.resync) }
                        mark = newest
                    }
                } catch {
                    if !failing {
                        logger.warning("inbox change polling failed; retrying", metadata: ["error": "\(error)"])
                        failing = true
                    }
                }
                try? await Task.sleep(for: interval)
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// Pages of 500 changed feeds one poll reads before it gives up and says ``InboxSignal/resync``.
    static let inboxSignalPageLimit = 4
}
