import AccoladeCore
import Foundation

/// The worker loop's bookkeeping, kept apart from I/O so the pacing rules are easy to read and test.
struct WorkerLoopState {
    let settings: WorkerSettings
    /// Deliveries claimed and not yet finished.
    var inFlight: Set<String> = []
    /// Finished outcomes not yet written.
    var pending: [DeliveryUpdate] = []
    /// When the oldest pending outcome finished.
    var oldestPendingAt: Date?
    /// Do not claim before this (the queue looked empty at the last claim).
    var nextClaimAt: Date
    /// Next lease-rescue sweep.
    var nextRescueAt: Date
    /// Next sweep of held receipts (on the rescue schedule, whatever the contact).
    var nextReceiptSweepAt: Date
    /// Next lease heartbeat (also right after the store comes back: see ``StoreLink``).
    var nextHeartbeatAt: Date
    /// Whether the last claim returned fewer than it asked for (queue momentarily empty).
    var lastClaimWasShort = false
    /// Shutdown requested.
    var stopping = false
    /// In-flight deliveries not finished by then are released.
    var graceDeadline = Date.distantFuture
    /// With the store away at shutdown, the worker gives up writing after this.
    var finalDeadline: Date { graceDeadline.addingTimeInterval(settings.shutdownGrace) }
    /// The connection to the store: backoff after failures, unbroken contact for rescues.
    var link: StoreLink
    /// Channels paused because their provider is misconfigured.
    var pauses: ChannelPauses
    /// Channels whose pause changed since the store's board last heard of it.
    var boardChanges: Set<ChannelKind> = []

    init(settings: WorkerSettings, now: Date) {
        self.settings = settings
        self.nextClaimAt = now
        self.nextRescueAt = now
        self.nextReceiptSweepAt = now
        self.nextHeartbeatAt = now.addingTimeInterval(settings.lease / 3)
        self.link = StoreLink(settings: .init(lease: settings.lease))
        self.pauses = ChannelPauses(settings: settings.pauseProbes)
    }

    /// Sweep for expired leases a few times per lease period (at most every 5 s, at least every 250 ms).
    var rescueInterval: TimeInterval { min(5, max(0.25, settings.lease / 4)) }

    /// Claim when at least half the concurrency is free (keeps batches large) and the queue was
    /// not found empty a moment ago. (After a store failure the loop only gets here once the
    /// backoff allows a call and outcomes and heartbeat went through: see the worker's store step.)
    func wantsClaim(now: Date) -> Bool {
        guard !stopping, now >= nextClaimAt else { return false }
        let free = settings.concurrency - inFlight.count
        return free > 0 && (inFlight.count <= settings.concurrency / 2 || free >= settings.batchSize)
    }

    mutating func claimed(count: Int, limit: Int, now: Date) {
        lastClaimWasShort = count < limit
        nextClaimAt = lastClaimWasShort ? now.addingTimeInterval(settings.pollInterval) : now
    }

    mutating func add(_ update: DeliveryUpdate, now: Date) {
        if pending.isEmpty { oldestPendingAt = now }
        pending.append(update)
        // A retry due sooner than the next poll should not wait for it.
        if let next = update.nextAttemptAt, next < nextClaimAt { nextClaimAt = max(next, now) }
        // Fallback moves on immediately: look for the activated delivery without waiting for a poll.
        if case .activateNext? = update.followUp { nextClaimAt = now }
    }

    /// Write when a batch is full, when outcomes have waited long enough, or when idle.
    func shouldFlush(now: Date) -> Bool {
        guard let oldest = oldestPendingAt, !pending.isEmpty else { return false }
        return pending.count >= settings.batchSize || inFlight.isEmpty
            || now.timeIntervalSince(oldest) >= DeliveryWorker.flushAge
    }
}
