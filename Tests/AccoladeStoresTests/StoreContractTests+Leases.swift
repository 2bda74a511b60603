import AccoladeCore
import Foundation
import Testing

/// The `Store` contract for lease rescue, operator requeue and the queue snapshot.
@Suite("Store contract: rescue, requeue, snapshot")
struct StoreLeaseContractTests {
    @Test("expired leases are rescued: attempt counted and logged, failed when out of attempts", arguments: StoreFactory.all)
    func rescue(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let request = Fixtures.request()
            let id = request.message.id
            _ = try await store.enqueue([request])
            let claimed = try await store.claim(owner: "dead", limit: 1, now: Fixtures.t0, lease: 30)
            #expect(claimed.count == 1)

            #expect(try await store.rescueExpiredLeases(now: Fixtures.at(30_000), maxAttempts: 2) == 0)
            #expect(try await store.rescueExpiredLeases(now: Fixtures.at(30_001), maxAttempts: 2) == 1)
            var delivery = try await store.deliveries(messageID: id)[0]
            #expect(delivery.state == .available && delivery.attempts == 1 && delivery.leaseOwner == nil)
            #expect(delivery.nextAttemptAt == Fixtures.at(30_001))
            var attempts = try await store.attempts(messageID: id)
            #expect(attempts.count == 1)
            #expect(attempts[0].outcome == .leaseExpired && attempts[0].provider == "rescuer" && attempts[0].number == 1)
            #expect(attempts[0].startedAt == Fixtures.t0 && attempts[0].finishedAt == Fixtures.at(30_001))

            // The stale worker reporting late is ignored; the next claimer owns the delivery.
            let late = Fixtures.update(claimed[0], owner: "dead", state: .sent, now: Fixtures.at(30_002))
            #expect(try await store.complete([late]) == 0)

            let second = try await store.claim(owner: "dead-too", limit: 1, now: Fixtures.at(40_000), lease: 30)
            #expect(second.map(\.delivery.attempts) == [1])
            #expect(try await store.rescueExpiredLeases(now: Fixtures.at(80_000), maxAttempts: 2) == 1)
            delivery = try await store.deliveries(messageID: id)[0]
            #expect(delivery.state == .failed && delivery.attempts == 2 && delivery.nextAttemptAt == nil)
            #expect(delivery.lastError?.contains("no attempts left") == true)
            attempts = try await store.attempts(messageID: id)
            #expect(attempts.map(\.number) == [1, 2] && attempts.allSatisfy { $0.outcome == .leaseExpired })
            #expect(try await store.claim(owner: "w", limit: 1, now: Fixtures.at(90_000), lease: 30).isEmpty)
        }
    }

    @Test("a rescued fallback delivery out of attempts moves the route on", arguments: StoreFactory.all)
    func rescueFallback(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let request = Fixtures.request(channels: [.whatsapp, .sms], mode: .fallback)
            _ = try await store.enqueue([request])
            _ = try await store.claim(owner: "dead", limit: 1, now: Fixtures.t0, lease: 30)
            #expect(try await store.rescueExpiredLeases(now: Fixtures.at(60_000), maxAttempts: 1) == 1)
            let states = try await store.deliveries(messageID: request.message.id).map(\.state)
            #expect(states == [.failed, .available])
        }
    }

    @Test("requeueFailed: one, then all, resetting attempts", arguments: StoreFactory.all)
    func requeue(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            _ = try await store.enqueue((0..<4).map { _ in Fixtures.request() })
            let claimed = try await store.claim(owner: "w", limit: 4, now: Fixtures.t0, lease: 30)
            let failedIDs = claimed.prefix(3).map(\.delivery.id)
            _ = try await store.complete(claimed.prefix(3).map { Fixtures.update($0, owner: "w", state: .failed, now: Fixtures.at(1)) })
            _ = try await store.complete([Fixtures.update(claimed[3], owner: "w", state: .sent, now: Fixtures.at(1))])

            #expect(try await store.requeueFailed(deliveryIDs: [failedIDs[1], claimed[3].delivery.id], now: Fixtures.at(100)) == [failedIDs[1]])
            let one = try await store.claim(owner: "w", limit: 10, now: Fixtures.at(100), lease: 30)
            #expect(one.map(\.delivery.id) == [failedIDs[1]])
            #expect(one[0].delivery.attempts == 0 && one[0].delivery.lastError == nil)

            let all = try await store.requeueFailed(deliveryIDs: nil, now: Fixtures.at(200))
            #expect(all == [failedIDs[0], failedIDs[2]].sorted())
            #expect(try await store.requeueFailed(deliveryIDs: nil, now: Fixtures.at(300)).isEmpty)
            #expect(try await store.snapshot(now: Fixtures.at(300)).count(.failed) == 0)
        }
    }

    @Test("snapshot counts states and reports the next due time and lease expiry", arguments: StoreFactory.all)
    func snapshot(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let empty = try await store.snapshot(now: Fixtures.t0)
            #expect(empty.counts.isEmpty && empty.nextDueAt == nil && empty.nextLeaseExpiry == nil)

            _ = try await store.enqueue([
                Fixtures.request(), Fixtures.request(), Fixtures.request(sendAt: Fixtures.at(5000)),
                Fixtures.request(channels: [.whatsapp, .sms], mode: .fallback),
            ])
            _ = try await store.claim(owner: "w", limit: 1, now: Fixtures.t0, lease: 30)
            let snap = try await store.snapshot(now: Fixtures.t0)
            #expect(snap.count(.available) == 2 && snap.count(.running) == 1)
            #expect(snap.count(.scheduled) == 1 && snap.count(.pending) == 1 && snap.count(.sent) == 0)
            #expect(snap.nextDueAt == Fixtures.t0)
            #expect(snap.nextLeaseExpiry == Fixtures.at(30_000))

            _ = try await store.claim(owner: "w", limit: 2, now: Fixtures.t0, lease: 10)
            let later = try await store.snapshot(now: Fixtures.t0)
            #expect(later.nextDueAt == Fixtures.at(5000))
            #expect(later.nextLeaseExpiry == Fixtures.at(10_000))
            #expect(later.count(.running) == 3)
        }
    }
}
