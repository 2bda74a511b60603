import AccoladeCore
import AccoladeWorkflows
import Foundation
import Logging
import Metrics
import ServiceLifecycle

/// Claims due deliveries in batches, delivers them concurrently and writes outcomes in batches.
///
/// One loop owns all bookkeeping (in-flight set, pending outcomes, claim pacing, the store link,
/// paused channels); deliveries run in their own tasks and report back through an event stream,
/// so the loop never waits on a slow provider. On graceful shutdown it stops claiming, lets
/// in-flight deliveries finish within the grace period and returns the rest to the queue.
///
/// **Store faults never stop it.** Every store call that fails is retried with capped backoff for
/// as long as the store is away (``StoreLink``); finished outcomes stay in memory until written
/// (never dropped, never resent while the worker lives), nothing new is claimed while any are
/// unwritten, and a reconnecting worker writes its outcomes and heartbeats before it claims.
/// Leases of in-flight deliveries are extended every lease/3 (heartbeat), and this worker rescues
/// other workers' expired leases only after a whole lease of unbroken contact with the store.
///
/// **Misconfigured providers pause their channel** (``ChannelPauses``): its deliveries stay queued
/// without using up attempts, and one of them probes the provider with capped backoff.
public final class DeliveryWorker: Service, Sendable {
    let store: any Store
    let renderer: any MessageRenderer
    let channels: ChannelRegistry
    let settings: WorkerSettings
    let clock: any WallClock
    let logger: Logger
    /// Quiet hours and send windows, checked when a delivery is claimed (``SendTiming``); `nil`
    /// when none are configured, so the hot path asks nothing.
    let timing: SendTiming?
    /// The `required` categories, whose messages ignore stored opt-outs.
    let requiredCategories: Set<String>
    /// Prices accepted attempts (``DeliveryCosting``); nil when `costs:` prices nothing.
    let costing: DeliveryCosting?

    /// Outcomes older than this are written even if the batch is not full.
    static let flushAge: TimeInterval = 0.05

    /// Creates a worker.
    public init(
        store: any Store, renderer: any MessageRenderer, channels: ChannelRegistry, settings: WorkerSettings,
        clock: any WallClock = SystemWallClock(), logger: Logger, timing: SendTiming = SendTiming(),
        requiredCategories: Set<String> = [],
        costing: DeliveryCosting? = nil
    ) {
        self.requiredCategories = requiredCategories
        self.costing = costing
        self.timing = timing.isEmpty ? nil : timing
        self.store = store
        self.renderer = renderer
        self.channels = channels
        self.settings = settings
        self.clock = clock
        var logger = logger
        logger[metadataKey: "worker"] = "\(settings.owner)"
        self.logger = logger
    }

    enum Event: Sendable {
        case finished(Finished)
        case tick
        case workAvailable
        case stop
    }

    /// A delivery's outcome as the loop needs it.
    struct Finished: Sendable {
        /// What to write.
        var update: DeliveryUpdate
        /// The delivery's channel.
        var channel: ChannelKind
        /// How the attempt went, for pauses.
        var kind: Kind

        enum Kind: Sendable {
            /// The provider accepted it.
            case sent
            /// The provider is misconfigured: pause the channel.
            case misconfigured(DeliveryError, key: String)
            /// The provider answered with an ordinary failure.
            case failed
            /// No provider was asked (expired, unrenderable, channel missing, held by quiet hours or a send window).
            case notAttempted
        }
    }

    /// Runs until graceful shutdown (or, with `drain`, until the queue is empty).
    public func run() async throws {
        let (events, continuation) = AsyncStream.makeStream(of: Event.self)
        let clock = self.clock
        let tickEvery = Duration.milliseconds(ofSeconds: min(settings.pollInterval, Self.flushAge))
        let ticker = Task {
            while !Task.isCancelled {
                try? await clock.sleep(for: tickEvery)
                continuation.yield(.tick)
            }
        }
        let listener = store.workSignals().map { signals in
            Task {
                for await _ in signals { continuation.yield(.workAvailable) }
            }
        }
        defer {
            ticker.cancel()
            listener?.cancel()
        }
        await withGracefulShutdownHandler {
            await loop(events: events, continuation: continuation)
        } onGracefulShutdown: {
            continuation.yield(.stop)
        }
    }

    private func loop(events: AsyncStream<Event>, continuation: AsyncStream<Event>.Continuation) async {
        var state = WorkerLoopState(settings: settings, now: clock.now())
        var iterator = events.makeAsyncIterator()
        logger.info(
            "worker started",
            metadata: [
                "concurrency": "\(settings.concurrency)", "drain": "\(settings.drain)",
                "channels": "\(channels.kinds.map(\.rawValue).joined(separator: ","))",
            ])

        while true {
            let now = clock.now()
            if state.link.mayCall(now: now) {
                let step = await storeStep(&state, now: now) { claimed in
                    for item in claimed {
                        Task { continuation.yield(.finished(await self.process(item))) }
                    }
                }
                if step == .exit { break }
            }
            guard let event = await iterator.next() else { break }
            handle(event, state: &state, now: clock.now())
        }
        if !state.pending.isEmpty {
            logger.error(
                "stopped with outcomes the store never took; their leases will expire and another worker retries them",
                metadata: ["count": "\(state.pending.count)"])
        }
        logger.info("worker stopped")
    }

    /// Applies one event to the loop's bookkeeping (no I/O).
    private func handle(_ event: Event, state: inout WorkerLoopState, now: Date) {
        switch event {
        case .finished(var finished):
            state.inFlight.remove(finished.update.deliveryID)
            notePause(finished, state: &state, now: now)
            if case .misconfigured = finished.kind, let probeAt = state.pauses.nextProbe(finished.channel) {
                finished.update.nextAttemptAt = probeAt
            }
            state.add(finished.update, now: now)
        case .tick:
            break
        case .workAvailable:
            state.nextClaimAt = min(state.nextClaimAt, now)
        case .stop:
            if !state.stopping {
                state.stopping = true
                state.graceDeadline = now.addingTimeInterval(settings.shutdownGrace)
                logger.info("shutting down: no new claims", metadata: ["in_flight": "\(state.inFlight.count)"])
            }
        }
    }

    /// Updates paused channels from a finished delivery and logs what changed.
    private func notePause(_ finished: Finished, state: inout WorkerLoopState, now: Date) {
        let id = finished.update.deliveryID
        let change: ChannelPauses.Change
        switch finished.kind {
        case .misconfigured(let error, let key):
            change = state.pauses.misconfigured(
                finished.channel, deliveryID: id, provider: error.provider, key: key, reason: error.description, now: now)
        case .sent:
            change = state.pauses.answered(finished.channel, deliveryID: id, sent: true, now: now)
        case .failed:
            change = state.pauses.answered(finished.channel, deliveryID: id, sent: false, now: now)
        case .notAttempted:
            state.pauses.probeReturned(deliveryID: id)
            change = .unchanged
        }
        let channel = finished.channel
        func metadata(_ pause: ChannelPauses.Pause) -> Logger.Metadata {
            [
                "channel": "\(channel)", "provider": "\(pause.provider)", "config.key": "\(pause.configKey)",
                "error": "\(pause.reason)", "next_probe_s": "\(Int(pause.wait))",
            ]
        }
        switch change {
        case .paused(let pause):
            logger.critical(
                "channel paused: its provider is misconfigured; deliveries stay queued until a probe gets through",
                metadata: metadata(pause))
            Counter(label: "accolade_channel_pauses_total", dimensions: [("channel", channel.rawValue)]).increment()
            state.boardChanges.insert(channel)
        case .probeFailed(let pause):
            logger.error("channel still paused: the probe failed the same way", metadata: metadata(pause))
            state.boardChanges.insert(channel)
        case .resumed(let after):
            logger.notice("channel resumed: its provider works again", metadata: ["channel": "\(channel)", "paused_s": "\(Int(after))"])
            state.boardChanges.insert(channel)
        case .unchanged:
            break
        }
    }
}
