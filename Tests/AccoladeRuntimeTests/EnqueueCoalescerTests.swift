import AccoladeCore
import AccoladeStores
import Foundation
import Synchronization
import Testing

@testable import AccoladeRuntime

/// Group commit: concurrent single sends share transactions, each still answered with its own result.
@Suite struct EnqueueCoalescerTests {
    @Test func concurrentSendsShareTransactionsAndEachGetsItsOwnMessage() async throws {
        let store = try await makeStore()
        let counting = CountingEnqueueStore(inner: store)
        let coalescer = EnqueueCoalescer(store: counting, maxBatch: 64)
        let d = Dispatcher(store: counting, renderer: StubRenderer(), channels: ChannelRegistry([ScriptedChannel(kind: .email) { _ in DeliveryReceipt(provider: "fake") }]), clock: SystemWallClock(), logger: quietLogger)
        let outcomes = try await withThrowingTaskGroup(of: SendOutcome.self) { group in
            for i in 0..<200 {
                group.addTask {
                    try await d.send(SendRequest(template: "t", recipient: Recipient(email: "u\(i)@example.test")), through: coalescer)
                }
            }
            var all: [SendOutcome] = []
            for try await o in group { all.append(o) }
            return all
        }
        var ids: Set<String> = []
        for case .accepted(let m, _) in outcomes { ids.insert(m.id) }
        #expect(ids.count == 200)
        let batches = counting.batches.withLock { $0 }
        #expect(batches.reduce(0, +) == 200)
        #expect(batches.allSatisfy { $0 <= 64 })
        #expect(batches.count < 200, "expected shared transactions, got \(batches.count)")
    }

    @Test func sameKeyInOneBatchIsOneMessageAndAReplay() async throws {
        let store = try await makeStore()
        let coalescer = EnqueueCoalescer(store: store)
        let d = Dispatcher(store: store, renderer: StubRenderer(), channels: ChannelRegistry([ScriptedChannel(kind: .email) { _ in DeliveryReceipt(provider: "fake") }]), clock: SystemWallClock(), logger: quietLogger)
        let request = SendRequest(template: "t", recipient: Recipient(email: "ana@example.test"), idempotencyKey: "k1")
        async let a = d.send(request, through: coalescer)
        async let b = d.send(request, through: coalescer)
        let results = try await [a, b]
        var created = 0, replayed = 0
        for r in results {
            switch r {
            case .accepted: created += 1
            case .replayed: replayed += 1
            case .rejected(let e): Issue.record("rejected: \(e)")
            }
        }
        #expect(created == 1 && replayed == 1)
    }
}

/// A store that records the size of every `enqueue` call and forwards everything to SQLite.
final class CountingEnqueueStore: Store, @unchecked Sendable {
    let inner: SQLiteStore
    let batches = Mutex<[Int]>([])
    init(inner: SQLiteStore) { self.inner = inner }

    func migrate() async throws { try await inner.migrate() }
    func enqueue(_ requests: [EnqueueRequest]) async throws -> [EnqueueResult] {
        batches.withLock { $0.append(requests.count) }
        return try await inner.enqueue(requests)
    }
    func claim(owner: String, limit: Int, now: Date, lease: TimeInterval) async throws -> [ClaimedDelivery] {
        try await inner.claim(owner: owner, limit: limit, now: now, lease: lease)
    }
    func complete(_ updates: [DeliveryUpdate]) async throws -> Int { try await inner.complete(updates) }
    func release(owner: String, deliveryIDs: [String], now: Date) async throws -> Int {
        try await inner.release(owner: owner, deliveryIDs: deliveryIDs, now: now)
    }
    func rescueExpiredLeases(now: Date, maxAttempts: Int) async throws -> Int {
        try await inner.rescueExpiredLeases(now: now, maxAttempts: maxAttempts)
    }
    func requeueFailed(deliveryIDs: [String]?, now: Date) async throws -> [String] {
        try await inner.requeueFailed(deliveryIDs: deliveryIDs, now: now)
    }
    func message(id: String) async throws -> Message? { try await inner.message(id: id) }
    func deliveries(messageID: String) async throws -> [Delivery] { try await inner.deliveries(messageID: messageID) }
    func attempts(messageID: String) async throws -> [Attempt] { try await inner.attempts(messageID: messageID) }
    func receipts(messageID: String) async throws -> [Receipt] { try await inner.receipts(messageID: messageID) }
    func recordReceipt(_ receipt: Receipt, state: DeliveryState) async throws -> ReceiptOutcome { try await inner.recordReceipt(receipt, state: state) }
    func deliveryID(providerMessageID: String) async throws -> String? { try await inner.deliveryID(providerMessageID: providerMessageID) }
    func messages(matching query: MessageQuery) async throws -> [Message] { try await inner.messages(matching: query) }
    func deliveries(inStates states: Set<DeliveryState>, limit: Int) async throws -> [Delivery] {
        try await inner.deliveries(inStates: states, limit: limit)
    }
    func snapshot(now: Date) async throws -> QueueSnapshot { try await inner.snapshot(now: now) }
}
