import AccoladeCore
import Foundation
import Logging
import PostgresNIO

extension PostgresStore {
    /// `LISTEN accolade_deliveries` on a dedicated connection: every commit that makes work due
    /// (enqueue, requeue, fallback activation, release, rescue) wakes idle workers within
    /// milliseconds. Polling stays the fallback: when the connection drops, the stream keeps
    /// reconnecting with backoff and signals once after each (re)connect, since a notification
    /// may have been missed meanwhile. Ends when the consumer stops iterating.
    public func workSignals() -> AsyncStream<Void>? {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let url = self.url
        let logger = self.logger
        let queryLogger = self.queryLogger
        let configuration = connectionConfiguration()
        let task = Task {
            var delay = Duration.milliseconds(100)
            while !Task.isCancelled {
                var connection: PostgresConnection?
                do {
                    let opened = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: queryLogger)
                    connection = opened
                    delay = .milliseconds(100)
                    try await opened.listen(on: PostgresStore.wakeUpChannel) { notifications in
                        continuation.yield()
                        for try await _ in notifications { continuation.yield() }
                    }
                } catch {
                    if !Task.isCancelled {
                        logger.warning(
                            "LISTEN connection lost; workers keep polling while it reconnects",
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
