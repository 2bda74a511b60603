import AccoladeCore
import Foundation
import Testing

/// The `Store` contract for migrations, enqueue, idempotency and reads; every backend runs it.
@Suite("Store contract: enqueue and reads")
struct StoreEnqueueContractTests {
    @Test("migrate is idempotent", arguments: StoreFactory.all)
    func migrateTwice(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            try await store.migrate()
            try await store.migrate()
            let results = try await store.enqueue([Fixtures.request()])
            #expect(results.count == 1 && results[0].isCreated)
        }
    }

    @Test("enqueue then read back gives equal values, JSON ints and doubles kept apart", arguments: StoreFactory.all)
    func roundTrip(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let message = Fixtures.message(
                key: "order-1", channels: [.whatsapp, .sms, .email], mode: .fallback, sendAt: Fixtures.at(60_000),
                expiresAt: Fixtures.at(86_400_000))
            let request = Fixtures.request(message)
            let results = try await store.enqueue([request])
            #expect(results == [.created(message, request.deliveries)])

            let read = try #require(try await store.message(id: message.id))
            #expect(read == message)
            #expect(read.data[path: "reward.amount"] == .int(50_000))
            #expect(read.data[path: "reward.amountDouble"] == .double(50_000))
            #expect(try await store.deliveries(messageID: message.id) == request.deliveries)
            #expect(try await store.deliveries(messageID: message.id).map(\.state) == [.scheduled, .pending, .pending])
            #expect(try await store.message(id: "no-such-id") == nil)
            #expect(try await store.attempts(messageID: message.id).isEmpty)
        }
    }

    @Test("a message without optional fields round-trips", arguments: StoreFactory.all)
    func minimalRoundTrip(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let message = Message(
                id: Identifier.make(now: Fixtures.t0), template: "t", locale: nil, recipient: Recipient(),
                data: .object([:]), route: Route(channels: [.qr], mode: .all), idempotencyKey: nil, fingerprint: "f",
                createdAt: Fixtures.t0)
            let request = Fixtures.request(message)
            _ = try await store.enqueue([request])
            #expect(try await store.message(id: message.id) == message)
        }
    }

    @Test("same key and fingerprint replays the original with its current deliveries", arguments: StoreFactory.all)
    func replay(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let first = Fixtures.request(key: "k-1", fingerprint: "same")
            _ = try await store.enqueue([first])
            let claimed = try await store.claim(owner: "w1", limit: 10, now: Fixtures.t0, lease: 30)
            #expect(claimed.count == 1)

            let again = Fixtures.request(key: "k-1", fingerprint: "same", channels: [.sms])
            let results = try await store.enqueue([again])
            guard case .replayed(let message, let deliveries) = results.first else {
                Issue.record("expected a replay, got \(results)")
                return
            }
            #expect(message == first.message)
            #expect(deliveries.map(\.id) == first.deliveries.map(\.id))
            #expect(deliveries.map(\.state) == [.running])
            #expect(try await store.message(id: again.message.id) == nil)
            #expect(try await store.deliveries(messageID: again.message.id).isEmpty)
        }
    }

    @Test("same key with another fingerprint is a conflict naming the original", arguments: StoreFactory.all)
    func conflict(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let first = Fixtures.request(key: "k-2", fingerprint: "a")
            _ = try await store.enqueue([first])
            let other = Fixtures.request(key: "k-2", fingerprint: "b")
            #expect(try await store.enqueue([other]) == [.conflict(existingMessageID: first.message.id)])
            #expect(try await store.message(id: other.message.id) == nil)
        }
    }

    @Test("a key repeated within one batch: first wins, results in input order", arguments: StoreFactory.all)
    func duplicateWithinBatch(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let a = Fixtures.request(key: "k-3", fingerprint: "x")
            let b = Fixtures.request(key: "k-3", fingerprint: "x")
            let c = Fixtures.request(key: "k-3", fingerprint: "y")
            let d = Fixtures.request()
            let e = Fixtures.request()
            let results = try await store.enqueue([a, b, c, d, e])
            #expect(results.count == 5)
            #expect(results[0] == .created(a.message, a.deliveries))
            #expect(results[1] == .replayed(a.message, a.deliveries))
            #expect(results[2] == .conflict(existingMessageID: a.message.id))
            #expect(results[3].isCreated && results[3].messageID == d.message.id)
            #expect(results[4].isCreated && results[4].messageID == e.message.id)
            #expect(try await store.message(id: b.message.id) == nil)
            #expect(try await store.snapshot(now: Fixtures.t0).count(.available) == 3)
        }
    }

    @Test("50 concurrent enqueues with one key store exactly one message", arguments: StoreFactory.all)
    func concurrentSameKey(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let results = try await withThrowingTaskGroup(of: EnqueueResult.self) { group in
                for _ in 0..<50 {
                    group.addTask { try await store.enqueue([Fixtures.request(key: "k-race", fingerprint: "f")])[0] }
                }
                return try await group.reduce(into: [EnqueueResult]()) { $0.append($1) }
            }
            #expect(results.filter(\.isCreated).count == 1)
            #expect(results.filter(\.isReplayed).count == 49)
            #expect(Set(results.map(\.messageID)).count == 1)
            #expect(try await store.snapshot(now: Fixtures.t0).count(.available) == 1)
        }
    }

    @Test("messages without a key never collide", arguments: StoreFactory.all)
    func nilKeys(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let results = try await store.enqueue((0..<20).map { _ in Fixtures.request() })
            #expect(results.filter(\.isCreated).count == 20)
            #expect(Set(results.map(\.messageID)).count == 20)
        }
    }

    @Test("deliveries(inStates:) lists newest change first, up to the limit", arguments: StoreFactory.all)
    func listByState(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            _ = try await store.enqueue((0..<3).map { _ in Fixtures.request() })
            let claimed = try await store.claim(owner: "w", limit: 3, now: Fixtures.t0, lease: 30)
            for (i, c) in claimed.enumerated() {
                let update = Fixtures.update(c, owner: "w", state: .failed, now: Fixtures.at(Int64(1000 * (i + 1))))
                #expect(try await store.complete([update]) == 1)
            }
            let failed = try await store.deliveries(inStates: [.failed], limit: 2)
            #expect(failed.map(\.id) == [claimed[2].delivery.id, claimed[1].delivery.id])
            #expect(try await store.deliveries(inStates: [.failed, .sent], limit: 10).count == 3)
            #expect(try await store.deliveries(inStates: [.sent], limit: 10).isEmpty)
            #expect(try await store.deliveries(inStates: [], limit: 10).isEmpty)
        }
    }
}
