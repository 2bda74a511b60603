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
        listening(
            on: InboxSQL.notifyChannel, connectionID: 2, buffering: .bufferingNewest(4096), lost: "inbox LISTEN connection lost; reconnecting",
            connected: { $0.yield(.resync) },
            notified: { continuation, payload in
                // The buffer keeps the newest: a dropped signal is covered by a resync after it.
                if case .dropped = continuation.yield(.changed(recipientKey: payload)) { continuation.yield(.resync) }
            })
    }
}
