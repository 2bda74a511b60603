import AccoladeCore
import AccoladeStoreTestSupport
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
final class CountingEnqueueStore: ForwardingStore, @unchecked Sendable {
    let batches = Mutex<[Int]>([])

    init(inner: SQLiteStore) { super.init(inner) }

    override func enqueue(_ requests: [EnqueueRequest]) async throws -> [EnqueueResult] {
        batches.withLock { $0.append(requests.count) }
        return try await base.enqueue(requests)
    }
}
