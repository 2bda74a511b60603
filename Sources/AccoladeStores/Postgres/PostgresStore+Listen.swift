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
        listening(
            on: PostgresStore.wakeUpChannel, connectionID: 1, buffering: .bufferingNewest(1),
            lost: "LISTEN connection lost; workers keep polling while it reconnects",
            connected: { $0.yield() }, notified: { continuation, _ in continuation.yield() })
    }

    /// A stream fed by `LISTEN channel` on a dedicated connection, reconnecting with backoff
    /// (100 ms doubling to 10 s) for as long as the consumer iterates. `connected` runs after each
    /// (re)connect — notifications sent while no connection listened are lost, so consumers resync
    /// there — and `notified` for each notification's payload.
    func listening<Element: Sendable>(
        on channel: String, connectionID: Int, buffering: AsyncStream<Element>.Continuation.BufferingPolicy, lost: Logger.Message,
        connected: @escaping @Sendable (AsyncStream<Element>.Continuation) -> Void,
        notified: @escaping @Sendable (AsyncStream<Element>.Continuation, String) -> Void
    ) -> AsyncStream<Element> {
        let (stream, continuation) = AsyncStream.makeStream(of: Element.self, bufferingPolicy: buffering)
        let url = self.url
        let logger = self.logger
        let queryLogger = self.queryLogger
        let configuration = connectionConfiguration()
        let task = Task {
            var delay = Duration.milliseconds(100)
            while !Task.isCancelled {
                var connection: PostgresConnection?
                do {
                    let opened = try await PostgresConnection.connect(configuration: configuration, id: connectionID, logger: queryLogger)
                    connection = opened
                    delay = .milliseconds(100)
                    try await opened.listen(on: channel) { notifications in
                        connected(continuation)
                        for try await notification in notifications { notified(continuation, notification.payload) }
                    }
                } catch {
                    if !Task.isCancelled {
                        logger.warning(lost, metadata: ["store.url": "\(url.redacted)", "error": "\(error)"])
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
