import AccoladeCore
import AccoladeStores
import Foundation
import ServiceLifecycle
import Synchronization
import Testing

@testable import AccoladeRuntime

/// A store that forwards to SQLite and raises a work signal on demand, like LISTEN/NOTIFY does.
final class SignallingStore: Store {
    let base: SQLiteStore
    let signals: AsyncStream<Void>
    let signal: AsyncStream<Void>.Continuation

    init(_ base: SQLiteStore) {
        self.base = base
        (signals, signal) = AsyncStream.makeStream(of: Void.self)
    }

    func workSignals() -> AsyncStream<Void>? { signals }
    func migrate() async throws { try await base.migrate() }
    func enqueue(_ requests: [EnqueueRequest]) async throws -> [EnqueueResult] { try await base.enqueue(requests) }
    func claim(owner: String, limit: Int, now: Date, lease: TimeInterval) async throws -> [ClaimedDelivery] {
        try await base.claim(owner: owner, limit: limit, now: now, lease: lease)
    }
    func complete(_ updates: [DeliveryUpdate]) async throws -> Int { try await base.complete(updates) }
    func release(owner: String, deliveryIDs: [String], now: Date) async throws -> Int {
        try await base.release(owner: owner, deliveryIDs: deliveryIDs, now: now)
    }
    func rescueExpiredLeases(now: Date, maxAttempts: Int) async throws -> Int {
        try await base.rescueExpiredLeases(now: now, maxAttempts: maxAttempts)
    }
    func requeueFailed(deliveryIDs: [String]?, now: Date) async throws -> [String] {
        try await base.requeueFailed(deliveryIDs: deliveryIDs, now: now)
    }
    func message(id: String) async throws -> Message? { try await base.message(id: id) }
    func deliveries(messageID: String) async throws -> [Delivery] { try await base.deliveries(messageID: messageID) }
    func attempts(messageID: String) async throws -> [Attempt] { try await base.attempts(messageID: messageID) }
    func receipts(messageID: String) async throws -> [Receipt] { try await base.receipts(messageID: messageID) }
    func recordReceipt(_ receipt: Receipt, state: DeliveryState) async throws -> ReceiptOutcome { try await base.recordReceipt(receipt, state: state) }
    func deliveryID(providerMessageID: String) async throws -> String? { try await base.deliveryID(providerMessageID: providerMessageID) }
    func messages(matching query: MessageQuery) async throws -> [Message] { try await base.messages(matching: query) }
    func deliveries(inStates states: Set<DeliveryState>, limit: Int) async throws -> [Delivery] {
        try await base.deliveries(inStates: states, limit: limit)
    }
    func snapshot(now: Date) async throws -> QueueSnapshot { try await base.snapshot(now: now) }
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
            // Let the worker find the queue empty and go idle first.
            try await Task.sleep(for: .milliseconds(200))
            let d = Dispatcher(store: store, renderer: StubRenderer(), channels: ChannelRegistry([email]), clock: SystemWallClock(), logger: quietLogger)
            _ = try await d.send([SendRequest(template: "t", recipient: Recipient(email: "a@b.co"))])
            let signalled = clock.now
            store.signal.yield()
            while delivered.withLock({ $0 }) == 0, clock.now - signalled < .seconds(120) {
                try await Task.sleep(for: .milliseconds(5))
            }
            // Generous for a loaded CI machine; polling would take 300 s.
            #expect(clock.now - signalled < .seconds(60))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(delivered.withLock { $0 } == 1)
    }
}
