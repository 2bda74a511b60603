import AccoladeCore
import Foundation
import Logging
import Metrics

extension DeliveryWorker {
    /// Whether the loop goes on.
    enum Step: Equatable {
        case proceed
        case exit
    }

    /// Everything the loop does with the store between two events, in the order that keeps live
    /// claims safe: write outcomes, heartbeat, (shutdown: release), rescue, probe, claim. The
    /// first failing call ends the step; the next one waits for the link's backoff.
    ///
    /// `now` paces the bookkeeping; calls that set or compare leases read the clock afresh,
    /// because an earlier call of the same step may have waited seconds for a lock.
    func storeStep(
        _ state: inout WorkerLoopState, now: Date, spawn: ([ClaimedDelivery]) -> Void
    ) async -> Step {
        // Back from an outage: outcomes and a heartbeat before anything else (see ``StoreLink``).
        let reconnecting = state.link.isAway
        if !state.pending.isEmpty, state.shouldFlush(now: now) || reconnecting || state.stopping {
            guard await flush(&state) else { return state.stopping && now >= state.finalDeadline ? .exit : .proceed }
        }
        if now >= state.nextHeartbeatAt || reconnecting {
            let held = Array(state.inFlight) + state.pending.map(\.deliveryID)
            if !held.isEmpty {
                let owner = settings.owner
                let lease = settings.lease
                guard
                    let extended = await call("heartbeat", &state.link, {
                        try await self.store.extendLeases(owner: owner, deliveryIDs: held, now: self.clock.now(), lease: lease)
                    })
                else { return state.stopping && now >= state.finalDeadline ? .exit : .proceed }
                if extended < held.count {
                    logger.warning(
                        "some leases were lost before the heartbeat (rescued by another worker after a long stall)",
                        metadata: ["held": "\(held.count)", "extended": "\(extended)"])
                }
            }
            state.nextHeartbeatAt = now.addingTimeInterval(settings.lease / 3)
        }
        guard await syncPauseBoard(&state, now: now) else { return .proceed }

        if state.stopping { return await shutdownStep(&state, now: now) }

        if now >= state.nextRescueAt, state.link.mayRescue(now: now) {
            let held = Array(state.inFlight) + state.pending.map(\.deliveryID)
            let maxAttempts = settings.retry.maxAttempts
            guard
                let rescued = await call("rescue", &state.link, {
                    try await self.store.rescueExpiredLeases(now: self.clock.now(), maxAttempts: maxAttempts, sparing: held)
                })
            else { return .proceed }
            if rescued > 0 { logger.warning("rescued deliveries whose lease expired", metadata: ["count": "\(rescued)"]) }
            state.nextRescueAt = now.addingTimeInterval(state.rescueInterval)
        }

        if now >= state.nextReceiptSweepAt {
            // Held receipts whose outcome is written are applied; those older than
            // `webhooks.unmatched_receipt_ttl` are purged.
            let ttl = settings.unmatchedReceiptTTL
            guard
                await call("receipt sweep", &state.link, {
                    try await self.store.sweepUnmatchedReceipts(now: now, receivedBefore: now.addingTimeInterval(-ttl))
                }) != nil
            else { return .proceed }
            state.nextReceiptSweepAt = now.addingTimeInterval(state.rescueInterval)
        }

        for channel in state.pauses.dueProbes(now: now) {
            guard let probe = await claim(&state, limit: 1, channels: [channel], now: now) else { return .proceed }
            if let item = probe.first {
                state.pauses.probing(channel, deliveryID: item.delivery.id)
                logger.info("probing a paused channel", metadata: ["channel": "\(channel)", "delivery.id": "\(item.delivery.id)"])
                spawn(probe)
            } else {
                state.pauses.nothingToProbe(channel, now: now)
            }
        }

        let claimable = Set(channels.kinds).subtracting(state.pauses.excluded)
        while state.wantsClaim(now: now) {
            // Outcomes first: nothing new is claimed while any are unwritten.
            guard await flush(&state) else { return .proceed }
            guard !claimable.isEmpty else { break }
            let limit = min(settings.batchSize, settings.concurrency - state.inFlight.count)
            guard let claimed = await claim(&state, limit: limit, channels: claimable, now: now) else { return .proceed }
            spawn(claimed)
            state.claimed(count: claimed.count, limit: limit, now: now)
        }

        if settings.drain, state.inFlight.isEmpty, state.pending.isEmpty, state.lastClaimWasShort {
            // Only this worker's channels: another channel's queue is another worker's to drain.
            let mine = Set(channels.kinds)
            guard
                let left = await call("drain check", &state.link, {
                    try await self.store.countDeliveries(inStates: [.available, .retryable, .running], channels: mine)
                })
            else { return .proceed }
            if left == 0 { return .exit }
        }
        return .proceed
    }

    /// Shutdown: once nothing is in flight (or the grace period is over, after returning the rest
    /// to the queue), exit. Outcomes are written first; if the store stays away past a second
    /// grace period, the worker exits anyway and the leases of what it could not write expire.
    private func shutdownStep(_ state: inout WorkerLoopState, now: Date) async -> Step {
        guard state.pending.isEmpty || now >= state.finalDeadline else { return .proceed }
        if state.inFlight.isEmpty { return .exit }
        guard now >= state.graceDeadline else { return .proceed }
        let left = Array(state.inFlight)
        let owner = settings.owner
        guard
            let released = await call("release", &state.link, {
                try await self.store.release(owner: owner, deliveryIDs: left, now: self.clock.now())
            })
        else { return now >= state.finalDeadline ? .exit : .proceed }
        logger.warning("grace period over; returned unfinished deliveries to the queue", metadata: ["released": "\(released)"])
        return .exit
    }

    /// Writes the pending outcomes; false when the store did not take them (they stay pending).
    func flush(_ state: inout WorkerLoopState) async -> Bool {
        guard !state.pending.isEmpty else { return true }
        let batch = state.pending
        guard await call("complete", &state.link, { try await self.store.complete(batch) }) != nil else { return false }
        state.pending.removeAll(keepingCapacity: true)
        state.oldestPendingAt = nil
        return true
    }

    /// Claims for `channels`, marking the claims in flight; nil when the store failed.
    private func claim(
        _ state: inout WorkerLoopState, limit: Int, channels: Set<ChannelKind>, now: Date
    ) async -> [ClaimedDelivery]? {
        let owner = settings.owner
        let lease = settings.lease
        guard
            let claimed = await call("claim", &state.link, {
                try await self.store.claim(owner: owner, limit: limit, now: self.clock.now(), lease: lease, channels: channels)
            })
        else { return nil }
        if !claimed.isEmpty { Counter(label: "accolade_claimed_total").increment(by: claimed.count) }
        for item in claimed { state.inFlight.insert(item.delivery.id) }
        return claimed
    }

    /// Publishes changed pauses on the store's board; false when the store failed.
    private func syncPauseBoard(_ state: inout WorkerLoopState, now: Date) async -> Bool {
        for channel in state.boardChanges.sorted(by: { $0.rawValue < $1.rawValue }) {
            let owner = settings.owner
            let pause = state.pauses.paused[channel].map {
                ProviderPause(
                    channel: channel, provider: $0.provider, configKey: $0.configKey, reason: $0.reason, since: $0.since,
                    nextProbeAt: $0.nextProbeAt, owner: owner)
            }
            let done: Void? = await call("pause board", &state.link) {
                if let pause { try await self.store.recordPause(pause) } else { try await self.store.clearPause(channel: channel) }
            }
            guard done != nil else { return false }
            state.boardChanges.remove(channel)
        }
        return true
    }

    /// Runs one store call, recording success or failure on the link; nil when it failed.
    ///
    /// Failures are logged once per outage at `error` (`critical` with the operator's advice for
    /// permanent faults, repeated at most every minute), then as a periodic `warning`; the
    /// worker never stops because of them.
    /// Every call has a deadline of a third of the lease (``StoreCallDeadline``): past it, the call
    /// counts as failed and the loop goes on, so heartbeats keep pace with the lease.
    func call<T: Sendable>(_ operation: String, _ link: inout StoreLink, _ body: @escaping @Sendable () async throws -> T) async -> T? {
        let started = clock.now()
        do {
            let value = try await StoreCallDeadline(seconds: settings.lease / 3, clock: clock).run(operation, body)
            if let outage = link.succeeded(started: started, now: clock.now()) {
                logger.notice("store answers again", metadata: ["store.outage_ms": "\(Int(outage * 1000))"])
                Gauge(label: "accolade_worker_store_up").record(1)
            }
            return value
        } catch {
            let now = clock.now()
            let first = !link.isAway
            let fault = store.fault(of: error)
            var rng = SystemRandomNumberGenerator()
            let wait = link.failed(now: now, permanent: fault != .transient, using: &rng)
            Counter(label: "accolade_worker_store_failures_total", dimensions: [("operation", operation)]).increment()
            Gauge(label: "accolade_worker_store_up").record(0)
            let metadata: Logger.Metadata = [
                "store.operation": "\(operation)", "error": "\(error)", "store.failures": "\(link.failures)",
                "retry_in_ms": "\(Int(wait * 1000))",
            ]
            switch fault {
            case .permanent(let advice):
                if first || link.failures % max(1, Int(60 / max(wait, 0.05))) == 0 {
                    var m = metadata
                    m["advice"] = "\(advice)"
                    logger.critical("store refuses the worker's calls; retrying slowly until it is fixed", metadata: m)
                }
            case .transient:
                if first {
                    logger.error("store call failed; retrying with backoff, outcomes kept in memory", metadata: metadata)
                } else if link.failures % 20 == 0 {
                    logger.warning("store still unavailable", metadata: metadata)
                }
            }
            return nil
        }
    }
}
