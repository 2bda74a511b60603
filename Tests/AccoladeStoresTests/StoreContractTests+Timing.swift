import AccoladeCore
import Foundation
import Testing

/// The `Store` contract for categories and deferrals (issue 17); every backend runs it.
@Suite("Store contract: categories and deferral")
struct StoreTimingContractTests {
    @Test("a message's category is stored and read back by every query", arguments: StoreFactory.all)
    func categoryRoundTrip(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            var message = Fixtures.message(key: "cat-1")
            message.category = "security"
            let plain = Fixtures.message()
            _ = try await store.enqueue([Fixtures.request(message), Fixtures.request(plain)])
            #expect(try await store.message(id: message.id)?.category == "security")
            #expect(try await store.message(id: plain.id)?.category == "rewards")
            let claimed = try await store.claim(owner: "w", limit: 10, now: Fixtures.at(1000), lease: 30)
            #expect(Set(claimed.map(\.message.category)) == ["security", "rewards"])
        }
    }

    @Test("a deferral hands a claimed delivery back scheduled, counting no attempt, due again later", arguments: StoreFactory.all)
    func deferral(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let request = Fixtures.request(channels: [.sms, .email], mode: .fallback)
            _ = try await store.enqueue([request])
            let claimed = try #require(try await store.claim(owner: "w1", limit: 1, now: Fixtures.t0, lease: 30).first)
            let until = Fixtures.at(3_600_000)
            var rng = SystemRandomNumberGenerator()
            let update = DeliveryStateMachine.decide(
                claimed, result: .deferred(until: until, reason: "deferred to 08:00 by quiet hours"), owner: "w1",
                policy: RetryPolicy(), now: Fixtures.at(10), using: &rng)
            #expect(DeliveryStateMachine.canTransition(from: .running, to: update.state))
            // Another owner's deferral changes nothing (the same lease guard as any outcome).
            var stale = update
            stale.leaseOwner = "w2"
            #expect(try await store.complete([stale]) == 0)
            #expect(try await store.complete([update]) == 1)

            let deliveries = try await store.deliveries(messageID: request.message.id)
            #expect(deliveries[0].state == .scheduled && deliveries[0].attempts == 0)
            #expect(deliveries[0].nextAttemptAt == until && deliveries[0].leaseOwner == nil)
            #expect(deliveries[0].lastError == "deferred to 08:00 by quiet hours")
            // The fallback channel still waits: a deferral is not a failure.
            #expect(deliveries[1].state == .pending)
            #expect(try await store.attempts(messageID: request.message.id).isEmpty)

            #expect(try await store.claim(owner: "w1", limit: 10, now: Fixtures.at(3_599_999), lease: 30).isEmpty)
            let again = try await store.claim(owner: "w3", limit: 10, now: until, lease: 30)
            #expect(again.map(\.delivery.id) == [deliveries[0].id])
            #expect(again.first?.delivery.attempts == 0)
        }
    }
}
