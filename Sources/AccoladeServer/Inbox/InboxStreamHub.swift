import AccoladeCore
import Foundation
import Logging
import Metrics
import Synchronization

/// Why a stream wakes up (``InboxStreamHub``): the stream's own loop does the reading and writing.
enum InboxStreamWake: Sendable, Equatable {
    /// The recipient's feed may have changed: read the head again.
    case look
    /// Nothing else was written for a while: send a heartbeat.
    case heartbeat
    /// The token passed its `exp`: say so and end the stream.
    case expired
}

/// Settings of the inbox streams; the defaults are production's, tests shorten them.
public struct InboxStreamSettings: Sendable {
    /// Between heartbeats on an idle stream.
    public var heartbeat: Duration
    /// How often the hub checks heartbeats and token expiry (the precision of both).
    public var tick: Duration
    /// Between "look again" wakes of every stream when the store cannot signal changes.
    public var fallbackPoll: Duration

    /// Creates settings.
    public init(heartbeat: Duration = .seconds(15), tick: Duration = .seconds(1), fallbackPoll: Duration = .seconds(1)) {
        self.heartbeat = heartbeat
        self.tick = tick
        self.fallbackPoll = fallbackPoll
    }
}

/// The open inbox streams of this process, and the one place that listens for feed changes.
///
/// One listener per process, not per stream: the store's change signals (PostgreSQL `LISTEN`, the
/// SQLite change mark polled every 250 ms) arrive here and wake only the streams of the recipient
/// that changed, so 5,000 idle streams cost 5,000 parked tasks and no queries. A stream reads the
/// store itself when woken, so a duplicate or late signal costs one read, never a duplicate event.
/// The listener runs while at least one stream is open (started by the first, stopped by the last),
/// so a server nobody streams from holds no `LISTEN` connection.
final class InboxStreamHub: Sendable {
    /// A registered stream: its wakes, and the id to close it with.
    struct Subscription: Sendable {
        let id: UInt64
        let wakes: AsyncStream<InboxStreamWake>
    }

    /// Thrown by ``open(recipientKey:expiresAt:)`` at `channels.inbox.max_streams`.
    struct Full: Error {
        let limit: Int
    }

    private struct Stream {
        let recipientKey: String
        let expiresAt: Date
        let continuation: AsyncStream<InboxStreamWake>.Continuation
        var lastBeat: Date
    }

    private struct State {
        var nextID: UInt64 = 1
        var streams: [UInt64: Stream] = [:]
        var byRecipient: [String: Set<UInt64>] = [:]
        var listener: Task<Void, Never>?
    }

    private let state = Mutex(State())
    private let feed: any InboxFeed
    private let limit: Int
    private let settings: InboxStreamSettings
    private let clock: any WallClock
    private let logger: Logger
    private let gauge = Gauge(label: "accolade_inbox_streams")

    /// Creates a hub; nothing runs until the first stream opens.
    init(feed: any InboxFeed, limit: Int, settings: InboxStreamSettings, clock: any WallClock, logger: Logger) {
        self.feed = feed
        self.limit = limit
        self.settings = settings
        self.clock = clock
        self.logger = logger
    }

    /// Registers a stream for `recipientKey` whose token expires at `expiresAt`. The first wake is
    /// not needed: the caller reads the feed once after registering, so nothing committed between
    /// the two is missed.
    func open(recipientKey: String, expiresAt: Date) throws(Full) -> Subscription {
        // Newest wakes only: `look` is idempotent and the tick repeats `heartbeat`/`expired`, so a
        // slow stream never queues more than a few wakes.
        let (wakes, continuation) = AsyncStream.makeStream(of: InboxStreamWake.self, bufferingPolicy: .bufferingNewest(4))
        let now = clock.now()
        let (id, count): (UInt64?, Int) = state.withLock { state in
            guard state.streams.count < limit else { return (nil, state.streams.count) }
            let id = state.nextID
            state.nextID += 1
            state.streams[id] = Stream(recipientKey: recipientKey, expiresAt: expiresAt, continuation: continuation, lastBeat: now)
            state.byRecipient[recipientKey, default: []].insert(id)
            if state.listener == nil { state.listener = Task { await self.listen() } }
            return (id, state.streams.count)
        }
        guard let id else {
            continuation.finish()
            throw Full(limit: limit)
        }
        gauge.record(count)
        continuation.onTermination = { [weak self] _ in self?.close(id) }
        return Subscription(id: id, wakes: wakes)
    }

    /// Removes a stream (its connection ended); the last one stops the listener.
    func close(_ id: UInt64) {
        let (stream, count, listener): (Stream?, Int, Task<Void, Never>?) = state.withLock { state in
            guard let stream = state.streams.removeValue(forKey: id) else { return (nil, state.streams.count, nil) }
            state.byRecipient[stream.recipientKey]?.remove(id)
            if state.byRecipient[stream.recipientKey]?.isEmpty == true { state.byRecipient[stream.recipientKey] = nil }
            var listener: Task<Void, Never>?
            if state.streams.isEmpty { swap(&listener, &state.listener) }
            return (stream, state.streams.count, listener)
        }
        guard let stream else { return }
        stream.continuation.finish()
        listener?.cancel()
        gauge.record(count)
    }

    /// Ends one stream's wakes (graceful shutdown): it writes nothing more and its response ends;
    /// the connection's end then closes it.
    func finish(_ id: UInt64) {
        state.withLock { $0.streams[id]?.continuation }?.finish()
    }

    /// The number of open streams.
    var count: Int { state.withLock { $0.streams.count } }

    /// Wakes the streams of one recipient.
    func wake(recipientKey: String) {
        let continuations = state.withLock { state in
            (state.byRecipient[recipientKey] ?? []).compactMap { state.streams[$0]?.continuation }
        }
        for continuation in continuations { continuation.yield(.look) }
    }

    /// Wakes every stream (signals may have been missed).
    func wakeAll() {
        for continuation in state.withLock({ $0.streams.values.map(\.continuation) }) { continuation.yield(.look) }
    }

    /// Heartbeats for streams idle since a heartbeat interval, `expired` for streams whose token
    /// has passed its `exp` (repeated every tick until the stream closes).
    func tick(now: Date) {
        let interval = TimeInterval(settings.heartbeat.components.seconds) + TimeInterval(settings.heartbeat.components.attoseconds) / 1e18
        let due: [(AsyncStream<InboxStreamWake>.Continuation, InboxStreamWake)] = state.withLock { state in
            var due: [(AsyncStream<InboxStreamWake>.Continuation, InboxStreamWake)] = []
            for (id, stream) in state.streams {
                if now >= stream.expiresAt {
                    due.append((stream.continuation, .expired))
                } else if now.timeIntervalSince(stream.lastBeat) >= interval {
                    state.streams[id]?.lastBeat = now
                    due.append((stream.continuation, .heartbeat))
                }
            }
            return due
        }
        for (continuation, wake) in due { continuation.yield(wake) }
    }

    /// Runs while streams are open: feed-change signals wake their recipients' streams, and a
    /// ticker sends heartbeats and expiries.
    private func listen() async {
        logger.debug("inbox stream listener started")
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.followChanges() }
            group.addTask {
                while !Task.isCancelled {
                    do { try await self.clock.sleep(for: self.settings.tick) } catch { return }
                    self.tick(now: self.clock.now())
                }
            }
            await group.waitForAll()
        }
        logger.debug("inbox stream listener stopped")
    }

    private func followChanges() async {
        guard let signals = feed.inboxSignals() else {
            // A store that cannot signal: every stream looks again every poll interval.
            while !Task.isCancelled {
                do { try await clock.sleep(for: settings.fallbackPoll) } catch { return }
                wakeAll()
            }
            return
        }
        for await signal in signals {
            switch signal {
            case .changed(let recipientKey): wake(recipientKey: recipientKey)
            case .resync: wakeAll()
            }
        }
    }
}
