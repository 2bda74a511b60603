import AccoladeCore
import AccoladeWorkflows
import Foundation
import Logging
import Metrics
import ServiceLifecycle

/// Executes workflow runs: claims due runs from the store under a lease, lets the pure
/// ``WorkflowRunner`` decide what their steps do now, enqueues the messages they send (ordinary
/// messages, keyed by run and step so a re-execution replays them) and writes the advance.
///
/// Runs beside the ``DeliveryWorker`` in `serve` and `worker`. A step never waits in memory: a
/// delay, a wait or a digest window is a `due_at` in the store, so a restart or SIGKILL loses
/// nothing — an unfinished execution's lease expires and any worker executes it again.
public struct RunWorker: Service {
    /// How a run worker claims.
    public struct Settings: Sendable {
        /// The lease owner (shared with the process's delivery worker is fine: runs and deliveries are different rows).
        public var owner: String
        /// Runs claimed at once.
        public var batch: Int
        /// How long a claim is held; an execution takes milliseconds, so expiry means a crash.
        public var lease: TimeInterval
        /// How often to look for due runs when nothing woke the worker.
        public var pollInterval: TimeInterval

        /// Creates settings.
        public init(owner: String, batch: Int = 256, lease: TimeInterval = 30, pollInterval: TimeInterval = 1) {
            self.owner = owner
            self.batch = batch
            self.lease = lease
            self.pollInterval = pollInterval
        }
    }

    let store: any Store
    let dispatcher: Dispatcher
    let runner: WorkflowRunner
    let settings: Settings
    let wakes: RunWakes?
    let clock: any WallClock
    let logger: Logger

    /// Creates a run worker.
    public init(
        store: any Store, dispatcher: Dispatcher, runner: WorkflowRunner, settings: Settings, wakes: RunWakes? = nil,
        clock: any WallClock, logger: Logger
    ) {
        self.store = store
        self.dispatcher = dispatcher
        self.runner = runner
        self.settings = settings
        self.wakes = wakes
        self.clock = clock
        self.logger = logger
    }

    private enum Event { case tick, wake, stop }

    /// Runs until graceful shutdown.
    public func run() async throws {
        let (events, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingNewest(4))
        let clock = self.clock
        let poll = Duration.milliseconds(ofSeconds: settings.pollInterval)
        let ticker = Task {
            while !Task.isCancelled {
                try? await clock.sleep(for: poll)
                continuation.yield(.tick)
            }
        }
        let listener = wakes.map { wakes in Task { for await _ in wakes.stream { continuation.yield(.wake) } } }
        defer {
            ticker.cancel()
            listener?.cancel()
        }
        await withGracefulShutdownHandler {
            var failures = 0
            var iterator = events.makeAsyncIterator()
            loop: while true {
                // Claim until a batch comes back short: a burst of triggers drains without waiting for ticks.
                var claimed = settings.batch
                while claimed == settings.batch {
                    do {
                        claimed = try await executeDue()
                        failures = 0
                    } catch {
                        failures += 1
                        if failures == 1 || failures % 20 == 0 {
                            logger.error("run worker: store call failed; retrying at the next poll", metadata: ["error": "\(error)", "failures": "\(failures)"])
                        }
                        claimed = 0
                    }
                }
                switch await iterator.next() {
                case .tick?, .wake?: continue loop
                case .stop?, nil: break loop
                }
            }
        } onGracefulShutdown: {
            continuation.yield(.stop)
        }
    }

    /// Claims one batch of due runs and executes each; returns how many were claimed.
    @discardableResult
    public func executeDue() async throws -> Int {
        let claimed = try await store.claimRuns(owner: settings.owner, limit: settings.batch, now: clock.now(), lease: settings.lease)
        if !claimed.isEmpty { try await execute(claimed) }
        return claimed.count
    }
}
