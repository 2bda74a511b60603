import NIOCore
import NIOPosix

extension APIServer {
    /// Makes the server's event loops (NIO's singleton group, which Hummingbird serves on) Swift
    /// concurrency's global executor for the rest of the process; `accolade serve` calls it from
    /// the main thread before anything starts. Returns false where NIO cannot do it.
    ///
    /// Why: Hummingbird reads a request on an event loop and hands it to the connection's task,
    /// which otherwise runs on the global concurrent pool; the response goes back to the event
    /// loop. Two thread switches a request, each waking a thread, cost `GET /v1/inbox/items`
    /// about a quarter of its server CPU (`scripts/bench-inbox.sh`, same binary with and without).
    /// With the event loops as the executor a request is read, handled and written on one thread.
    ///
    /// The price: code on the global executor now runs between the loops' I/O, so nothing in the
    /// serving process may block a thread for long. Accolade's blocking work already stays off
    /// Swift concurrency's threads (libcurl runs on its own driver thread, GRDB writes on its
    /// writer queue); the feed's synchronous SQLite reads take tens of microseconds.
    @discardableResult
    public static func runTasksOnEventLoops() -> Bool {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
