import CCurl
import Foundation
import Logging
import Synchronization

/// Runs every libcurl transfer of the process on ONE dedicated thread through a multi handle.
///
/// Why a thread of its own: `curl_multi_poll` blocks, and Swift's cooperative pool has only as
/// many threads as cores (2 here). One thread serves any number of concurrent transfers, and
/// because they share one multi handle they share its connection cache: hundreds of deliveries to
/// the same SMTP server or API reuse a few keep-alive connections.
///
/// ```swift
/// let driver = CurlMultiDriver(configuration: .init(maxConnectionsPerHost: 8), logger: logger)
/// let result = await driver.perform(transfer)
/// await driver.shutdown()
/// ```
///
/// Call ``shutdown(_:)`` before the process exits; the thread otherwise lives until then.
public final class CurlMultiDriver: Sendable {
    /// Connection limits and pooling.
    public struct Configuration: Sendable {
        /// Most connections open at once across all hosts (`CURLMOPT_MAX_TOTAL_CONNECTIONS`); 0 = unlimited.
        public var maxTotalConnections: Int
        /// Most connections to one host (`CURLMOPT_MAX_HOST_CONNECTIONS`); extra transfers queue.
        public var maxConnectionsPerHost: Int
        /// Idle connections kept for reuse (`CURLMOPT_MAXCONNECTS`).
        public var maxCachedConnections: Int
        /// Idle easy handles kept for reuse.
        public var maxIdleHandles: Int

        /// Creates a configuration.
        public init(maxTotalConnections: Int = 64, maxConnectionsPerHost: Int = 8, maxCachedConnections: Int = 64, maxIdleHandles: Int = 256) {
            self.maxTotalConnections = maxTotalConnections
            self.maxConnectionsPerHost = maxConnectionsPerHost
            self.maxCachedConnections = maxCachedConnections
            self.maxIdleHandles = maxIdleHandles
        }
    }

    /// What ``shutdown(_:)`` does with transfers still running.
    public enum ShutdownMode: Sendable, Hashable {
        /// Let them finish (each is bounded by its own timeout).
        case finishInFlight
        /// Abort them now; their callers get `CurlResult.Code.aborted`.
        case abortInFlight
    }

    private let core: CurlDriverCore

    /// Starts the driver thread.
    public init(configuration: Configuration = Configuration(), logger: Logger = Logger(label: "accolade.curl")) {
        CurlGlobal.ensureInitialised()
        core = CurlDriverCore(configuration: configuration, logger: logger)
        let core = self.core
        let thread = Thread { CurlDriverLoop(core: core).run() }
        thread.name = "accolade.curl"
        thread.start()
    }

    /// Runs one transfer and returns its result; the caller's thread is never blocked.
    ///
    /// After ``shutdown(_:)`` this returns at once with `CurlResult.Code.aborted`. Cancelling the
    /// calling task does not stop the transfer (an SMTP message may already be accepted, and its
    /// receipt must not be lost); it still ends within `transfer.timeout`.
    public func perform(_ transfer: CurlTransfer) async -> CurlResult {
        await withCheckedContinuation { continuation in
            if !core.submit(CurlSubmission(transfer: transfer, continuation: continuation)) {
                continuation.resume(returning: CurlEasyHandle.failure(code: CurlResult.Code.aborted, message: "curl driver is shut down"))
            }
        }
    }

    /// Stops accepting transfers, finishes or aborts the running ones, and waits for the thread to exit.
    public func shutdown(_ mode: ShutdownMode = .finishInFlight) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            core.requestShutdown(mode, whenStopped: continuation)
        }
    }
}

/// A transfer waiting for the driver thread.
struct CurlSubmission: Sendable {
    let transfer: CurlTransfer
    let continuation: CheckedContinuation<CurlResult, Never>
}

/// The state shared between callers and the driver thread, behind one lock.
final class CurlDriverCore: Sendable {
    struct State {
        var pending: [CurlSubmission] = []
        var shutdown: CurlMultiDriver.ShutdownMode?
        var stopped = false
        var stopWaiters: [CheckedContinuation<Void, Never>] = []
    }

    /// `CURLM *`: only `curl_multi_wakeup` is called off the driver thread, which libcurl allows.
    nonisolated(unsafe) let multi: UnsafeMutableRawPointer
    let configuration: CurlMultiDriver.Configuration
    let logger: Logger
    let state = Mutex(State())

    init(configuration: CurlMultiDriver.Configuration, logger: Logger) {
        multi = curl_multi_init()
        self.configuration = configuration
        self.logger = logger
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, configuration.maxTotalConnections)
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, configuration.maxConnectionsPerHost)
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, configuration.maxCachedConnections)
    }

    /// Queues a transfer and wakes the thread; false once shutdown was requested.
    func submit(_ submission: CurlSubmission) -> Bool {
        state.withLock { state in
            guard state.shutdown == nil else { return false }
            state.pending.append(submission)
            // Only the first submission since the thread last took the queue needs to wake it:
            // later ones ride on that wakeup (one syscall per burst instead of per transfer).
            // Under the lock so the thread cannot clean up the multi handle in between.
            if state.pending.count == 1 { _ = curl_multi_wakeup(multi) }
            return true
        }
    }

    func requestShutdown(_ mode: CurlMultiDriver.ShutdownMode, whenStopped waiter: CheckedContinuation<Void, Never>) {
        let alreadyStopped = state.withLock { state in
            if state.stopped { return true }
            // abort wins over finish when both are asked for
            if state.shutdown != .abortInFlight { state.shutdown = mode }
            state.stopWaiters.append(waiter)
            _ = curl_multi_wakeup(multi)
            return false
        }
        if alreadyStopped { waiter.resume() }
    }

    /// Takes the queued transfers and the shutdown request in one step.
    func takePending() -> ([CurlSubmission], CurlMultiDriver.ShutdownMode?) {
        state.withLock { state in
            let pending = state.pending
            state.pending.removeAll(keepingCapacity: true)
            return (pending, state.shutdown)
        }
    }

    /// Called by the thread as its last act: frees the multi handle and releases the waiters.
    func markStopped() {
        let waiters = state.withLock { state in
            state.stopped = true
            curl_multi_cleanup(multi)
            let waiters = state.stopWaiters
            state.stopWaiters = []
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
