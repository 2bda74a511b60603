import AccoladeCore
import AccoladeStoreTestSupport
import AccoladeStores
import AccoladeTestSupport
import Foundation
import ServiceLifecycle
import Synchronization
import Testing

@testable import AccoladeRuntime

/// A store that forwards to SQLite and raises a work signal on demand, like LISTEN/NOTIFY does.
final class SignallingStore: ForwardingStore, @unchecked Sendable {
    let signals: AsyncStream<Void>
    let signal: AsyncStream<Void>.Continuation
    /// Claims answered so far.
    let claims = Mutex(0)

    override init(_ base: SQLiteStore) {
        (signals, signal) = AsyncStream.makeStream(of: Void.self)
        super.init(base)
    }

    override func workSignals() -> AsyncStream<Void>? { signals }

    override func claim(owner: String, limit: Int, now: Date, lease: TimeInterval, channels: Set<ChannelKind>?) async throws -> [ClaimedDelivery] {
        let claimed = try await super.claim(owner: owner, limit: limit, now: now, lease: lease, channels: channels)
        claims.withLock { $0 += 1 }
        return claimed
    }
}

@Suite struct WorkSignalTests {
    @Test func aSignalWakesAnIdleWorkerLongBeforeItsNextPoll() async throws {
        let store = SignallingStore(try await makeStore())
        let delivered = Mutex(0)
        let email = ScriptedChannel { _ in
            delivered.withLock { $0 += 1 }
            return DeliveryReceipt(provider: "fake")
        }
        var settings = fastSettings(drain: false)
        settings.pollInterval = 300  // polling alone would not find the message within the test
        let worker = DeliveryWorker(store: store, renderer: StubRenderer(), channels: ChannelRegistry([email]), settings: settings, logger: quietLogger)
        let group = ServiceGroup(services: [worker], logger: quietLogger)
        let clock = ContinuousClock()
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            // Let the worker find the queue empty first, so only the signal can bring it back.
            try await waitUntil("the worker has looked at the empty queue") { store.claims.withLock { $0 } >= 1 }
            let d = Dispatcher(store: store, renderer: StubRenderer(), channels: ChannelRegistry([email]), clock: SystemWallClock(), logger: quietLogger)
            _ = try await d.send([SendRequest(template: "t", recipient: Recipient(email: "a@b.co"))])
            let signalled = clock.now
            store.signal.yield()
            // Generous for a loaded CI machine; polling would take 300 s.
            try await waitUntil("the signalled worker delivered the message", timeout: .seconds(60)) { delivered.withLock { $0 } == 1 }
            #expect(clock.now - signalled < .seconds(60))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(delivered.withLock { $0 } == 1)
    }
}
