import AccoladeCore
import Foundation
import Logging

/// The queue snapshot and paused channels `/readyz` and `/metrics` show, read from the store at most once per
/// ``maxAge`` however many probes and scrapes arrive.
///
/// Both routes are unauthenticated, and a snapshot counts the deliveries table by state: without
/// this, every request would scan the table, and a crowd of scrapers (or anyone on the network)
/// could keep the store busy. Concurrent callers share one in-flight read; a failed read is
/// remembered for ``maxAge`` too, so a store that is down is not hammered with reconnects either.
/// A caller waits at most ``timeout`` for the read (a stalled store must not stall a load
/// balancer's probe); the read itself carries on and serves the callers after it.
actor QueueSnapshotCache {
    /// What a caller gets: the snapshot and the channels workers have paused (misconfigured
    /// providers), or why there is none (logged here, never shown).
    enum Reading: Sendable {
        case snapshot(QueueSnapshot, paused: [ProviderPause])
        case unavailable
    }

    private let store: any Store
    private let clock: any WallClock
    private let logger: Logger
    /// How long a reading is served before the store is asked again.
    let maxAge: TimeInterval
    /// How long a caller waits for a read in flight.
    let timeout: Duration
    private var last: (at: Date, reading: Reading)?
    private var loading = false
    /// Callers waiting for the read in flight, by ticket; each leaves at the read's end or its timeout.
    private var waiters: [Int: CheckedContinuation<Reading, Never>] = [:]
    private var nextTicket = 0

    init(store: any Store, clock: any WallClock, logger: Logger, maxAge: TimeInterval = 2, timeout: Duration = .seconds(2)) {
        self.store = store
        self.clock = clock
        self.logger = logger
        self.maxAge = maxAge
        self.timeout = timeout
    }

    /// The latest reading not older than ``maxAge``, or a fresh one (``Reading/unavailable``
    /// after ``timeout``).
    func reading() async -> Reading {
        let now = clock.now()
        if let last, now >= last.at, now.timeIntervalSince(last.at) < maxAge { return last.reading }
        if !loading {
            loading = true
            Task { await self.load() }
        }
        let ticket = nextTicket
        nextTicket += 1
        return await withCheckedContinuation { continuation in
            waiters[ticket] = continuation
            Task { [clock, timeout] in
                try? await clock.sleep(for: timeout)
                self.expire(ticket)
            }
        }
    }

    private func expire(_ ticket: Int) {
        waiters.removeValue(forKey: ticket)?.resume(returning: .unavailable)
    }

    private func load() async {
        let reading: Reading
        do {
            async let snapshot = store.snapshot(now: clock.now())
            async let paused = store.providerPauses()
            reading = .snapshot(try await snapshot, paused: try await paused)
        } catch {
            logger.warning("queue snapshot failed; /readyz answers 503", metadata: ["error": "\(error)"])
            reading = .unavailable
        }
        last = (clock.now(), reading)
        loading = false
        for waiter in waiters.values { waiter.resume(returning: reading) }
        waiters.removeAll()
    }
}
