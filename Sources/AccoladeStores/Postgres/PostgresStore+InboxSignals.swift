import AccoladeCore
import Foundation
import Logging
import PostgresNIO

extension PostgresStore {
    /// `LISTEN accolade_inbox` on a dedicated connection: every commit that changes a feed, on any
    /// node, signals its recipient key within milliseconds. Yields ``InboxSignal/resync`` after
    /// each (re)connect, since notifications sent meanwhile are lost, and when the consumer falls
    /// so far behind that signals were dropped. Reconnects with backoff; ends when the consumer
    /// stops iterating.
    public func inboxSignals() -> AsyncStream<InboxSignal>? {
        let (stream, continuation) = AsyncStream.makeStream(of: InboxSignal.self, bufferingPolicy: .bufferingNewest(4096))
        let url = self.url
        let logger = self.logger
        let queryLogger = self.queryLogger
        let configuration = connectionConfiguration()
        let task = Task {
            var delay = Duration.milliseconds(100)
            while !Task.isCancelled {
                var connection: PostgresConnection?
                do {
                    let opened = try await PostgresConnection.connect(configuration: configuration, id: 2, logger: queryLogger)
                    connection = opened
                    delay = .milliseconds(100)
                    try await opened.listen(on: InboxSQL.notifyChannel) { notifications in
                        continuation.yield(.resync)
                        for try await notification in notifications {
                            // The buffer keeps the newest: a dropped signal is covered by a resync after it.
                            if case .dropped = continuation.yield(.changed(recipientKey: notification.payload)) {
                                continuation.yield(.resync)
                            }
                        }
                    }
                } catch {
                    if !Task.isCancelled {
                        logger.warning(
                            "inbox LISTEN connection lost; reconnecting",
                            metadata: ["store.url": "\(url.redacted)", "error": "\(error)"])
                    }
                }
                try? await connection?.close()
                if Task.isCancelled { break }
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(10))
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}
