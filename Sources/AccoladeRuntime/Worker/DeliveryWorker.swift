import AccoladeCore
import Foundation
import Logging
import Metrics
import ServiceLifecycle

/// Claims due deliveries in batches, delivers them concurrently and writes outcomes in batches.
///
/// One loop owns all bookkeeping (in-flight set, pending outcomes, claim pacing); deliveries run in
/// their own tasks and report back through an event stream, so the loop never waits on a slow
/// provider. On graceful shutdown it stops claiming, lets in-flight deliveries finish within the
/// grace period and returns the rest to the queue.
public final class DeliveryWorker: Service, Sendable {
    private let store: any Store
    private let renderer: any MessageRenderer
    private let channels: ChannelRegistry
    private let settings: WorkerSettings
    private let clock: any WallClock
    private let logger: Logger

    /// Outcomes older than this are written even if the batch is not full.
    static let flushAge: TimeInterval = 0.05

    /// Creates a worker.
    public init(
        store: any Store, renderer: any MessageRenderer, channels: ChannelRegistry, settings: WorkerSettings,
        clock: any WallClock = SystemWallClock(), logger: Logger
    ) {
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
        case finished(DeliveryUpdate)
        case tick
        case workAvailable
        case stop
    }

    /// Runs until graceful shutdown (or, with `drain`, until the queue is empty).
    public func run() async throws {
        let (events, continuation) = AsyncStream.makeStream(of: Event.self)
        let clock = self.clock
        let tickEvery = Duration.milliseconds(Int(min(settings.pollInterval, Self.flushAge) * 1000))
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
        try await withGracefulShutdownHandler {
            try await loop(events: events, continuation: continuation)
        } onGracefulShutdown: {
            continuation.yield(.stop)
        }
    }

    private func loop(events: AsyncStream<Event>, continuation: AsyncStream<Event>.Continuation) async throws {
        var state = WorkerLoopState(settings: settings, now: clock.now())
        var iterator = events.makeAsyncIterator()
        logger.info("worker started", metadata: ["concurrency": "\(settings.concurrency)", "drain": "\(settings.drain)"])

        while true {
            var now = clock.now()
            if !state.stopping {
                if now >= state.nextRescueAt {
                    await rescue(now: now)
                    await sweepUnmatchedReceipts(now: now)
                    state.nextRescueAt = now.addingTimeInterval(state.rescueInterval)
                }
                while state.wantsClaim(now: now) {
                    try await flush(&state)
                    let limit = min(settings.batchSize, settings.concurrency - state.inFlight.count)
                    let claimed = try await claim(limit: limit, now: now)
                    for item in claimed {
                        state.inFlight.insert(item.delivery.id)
                        Task { continuation.yield(.finished(await self.process(item))) }
                    }
                    state.claimed(count: claimed.count, limit: limit, now: now)
                }
            }
            if state.inFlight.isEmpty {
                try await flush(&state)
                if state.stopping { break }
                if settings.drain, state.lastClaimWasShort, try await queueIsDrained(now: now) { break }
            } else if state.stopping, now >= state.graceDeadline {
                try await flush(&state)
                let left = Array(state.inFlight)
                let released = try await store.release(owner: settings.owner, deliveryIDs: left, now: now)
                logger.warning("grace period over; returned unfinished deliveries to the queue", metadata: ["released": "\(released)"])
                break
            }

            guard let event = await iterator.next() else { break }
            now = clock.now()
            switch event {
            case .finished(let update):
                state.inFlight.remove(update.deliveryID)
                state.add(update, now: now)
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
            if state.shouldFlush(now: now) { try await flush(&state) }
        }
        logger.info("worker stopped")
    }

    private func claim(limit: Int, now: Date) async throws -> [ClaimedDelivery] {
        let claimed = try await store.claim(owner: settings.owner, limit: limit, now: now, lease: settings.lease)
        if !claimed.isEmpty { Counter(label: "accolade_claimed_total").increment(by: claimed.count) }
        return claimed
    }

    private func flush(_ state: inout WorkerLoopState) async throws {
        guard !state.pending.isEmpty else { return }
        let batch = state.pending
        do {
            try await store.complete(batch)
            state.pending.removeAll(keepingCapacity: true)
        } catch {
            // Keep the outcomes and try again on the next flush: dropping them would resend.
            logger.error("cannot write delivery outcomes; will retry", metadata: ["error": "\(error)", "count": "\(batch.count)"])
            throw error
        }
    }

    private func rescue(now: Date) async {
        do {
            let rescued = try await store.rescueExpiredLeases(now: now, maxAttempts: settings.retry.maxAttempts)
            if rescued > 0 { logger.warning("rescued deliveries whose lease expired", metadata: ["count": "\(rescued)"]) }
        } catch {
            logger.error("lease rescue failed", metadata: ["error": "\(error)"])
        }
    }

    /// Receipt housekeeping, on the rescue schedule: apply held receipts whose outcome is written,
    /// purge those older than `webhooks.unmatched_receipt_ttl`. A failure waits for the next round.
    private func sweepUnmatchedReceipts(now: Date) async {
        do {
            try await store.sweepUnmatchedReceipts(now: now, receivedBefore: now.addingTimeInterval(-settings.unmatchedReceiptTTL))
        } catch {
            logger.error("unmatched receipt sweep failed", metadata: ["error": "\(error)"])
        }
    }

    private func queueIsDrained(now: Date) async throws -> Bool {
        let snapshot = try await store.snapshot(now: now)
        return snapshot.count(.available) + snapshot.count(.retryable) + snapshot.count(.running) == 0
    }

    /// Renders and delivers one claimed delivery, returning the outcome to write.
    func process(_ claimed: ClaimedDelivery) async -> DeliveryUpdate {
        let delivery = claimed.delivery
        let message = claimed.message
        let started = clock.now()
        let result: AttemptResult
        if let expires = message.expiresAt, expires <= started {
            result = .expired
        } else if let channel = channels[delivery.channel] {
            result = await attempt(claimed, channel: channel, started: started)
        } else {
            result = .failed(
                DeliveryError(disposition: .permanent, provider: "worker", detail: "channel \(delivery.channel) is not configured on this worker"),
                startedAt: started)
        }
        var rng = SystemRandomNumberGenerator()
        let update = DeliveryStateMachine.decide(
            claimed, result: result, owner: settings.owner, policy: settings.retry, now: clock.now(), using: &rng)
        record(update, channel: delivery.channel, started: started)
        return update
    }

    private func attempt(_ claimed: ClaimedDelivery, channel: any Channel, started: Date) async -> AttemptResult {
        let message = claimed.message
        let content: RenderedContent
        do {
            content = try renderer.renderContent(
                template: message.template, channel: claimed.delivery.channel, locale: message.locale,
                data: message.data, recipient: message.recipient)
        } catch {
            return .unrenderable("\(error)", startedAt: started)
        }
        let request = DeliveryRequest(
            deliveryID: claimed.delivery.id, messageID: message.id, attempt: claimed.delivery.attempts + 1,
            recipient: message.recipient, content: content, createdAt: message.createdAt, suppression: claimed.suppression,
            lastInbound: claimed.lastInbound)
        do {
            return .sent(try await channel.deliver(request), startedAt: started)
        } catch {
            return .failed(error, startedAt: started)
        }
    }

    private func record(_ update: DeliveryUpdate, channel: ChannelKind, started: Date) {
        let outcome = update.state.rawValue
        Counter(label: "accolade_delivery_outcomes_total", dimensions: [("channel", channel.rawValue), ("outcome", outcome)]).increment()
        // Built only when the line is logged: at thousands of deliveries a second the metadata
        // strings cost more than the log call itself.
        func metadata(error: Bool) -> Logger.Metadata {
            var m: Logger.Metadata = [
                "delivery.id": "\(update.deliveryID)", "channel": "\(channel)", "outcome": "\(outcome)",
                "attempt": "\(update.attempts)", "duration_ms": "\(Int(update.now.timeIntervalSince(started) * 1000))",
            ]
            if error { m["error"] = "\(update.lastError ?? "")" }
            return m
        }
        switch update.state {
        case .sent: logger.debug("delivery sent", metadata: metadata(error: false))
        case .retryable: logger.notice("delivery will be retried", metadata: metadata(error: true))
        default: logger.warning("delivery ended without sending", metadata: metadata(error: true))
        }
    }
}
