import AccoladeCore
import Foundation
import Testing

/// The `Store` contract for claims, completions, leases and the snapshot; every backend runs it.
@Suite("Store contract: queue")
struct StoreQueueContractTests {
    @Test("claim takes only due deliveries, oldest due first, up to the limit, never twice", arguments: StoreFactory.all)
    func claimOrder(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            // Enqueued out of order: due at +5s, +1s, +4s, +2s, +3s.
            let offsets: [Int64] = [5, 1, 4, 2, 3]
            let requests = offsets.map { Fixtures.request(sendAt: Fixtures.at($0 * 1000)) }
            _ = try await store.enqueue(requests)
            let due = { (offset: Int64) in requests[offsets.firstIndex(of: offset)!].deliveries[0].id }

            #expect(try await store.claim(owner: "w", limit: 10, now: Fixtures.at(999), lease: 30).isEmpty)
            let first = try await store.claim(owner: "w", limit: 2, now: Fixtures.at(3000), lease: 30)
            #expect(first.map(\.delivery.id) == [due(1), due(2)])
            #expect(first.allSatisfy { $0.delivery.state == .running && $0.delivery.leaseOwner == "w" })
            #expect(first.allSatisfy { $0.delivery.leaseExpiresAt == Fixtures.at(33_000) })
            #expect(first.map(\.message.id) == [1, 2].map { requests[offsets.firstIndex(of: $0)!].message.id })
            #expect(first[0].message == requests[1].message)

            let second = try await store.claim(owner: "v", limit: 10, now: Fixtures.at(3000), lease: 30)
            #expect(second.map(\.delivery.id) == [due(3)])
            let rest = try await store.claim(owner: "v", limit: 10, now: Fixtures.at(60_000), lease: 30)
            #expect(rest.map(\.delivery.id) == [due(4), due(5)])
            #expect(try await store.claim(owner: "v", limit: 10, now: Fixtures.at(999_999), lease: 30).isEmpty)
        }
    }

    @Test("pending fallback channels are never claimed", arguments: StoreFactory.all)
    func pendingNotClaimed(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let request = Fixtures.request(channels: [.whatsapp, .sms, .email], mode: .fallback)
            _ = try await store.enqueue([request])
            let claimed = try await store.claim(owner: "w", limit: 10, now: Fixtures.at(1000), lease: 30)
            #expect(claimed.map(\.delivery.channel) == [.whatsapp])
        }
    }

    @Test("4 concurrent claimers over 2,000 deliveries claim each exactly once", arguments: StoreFactory.all)
    func concurrentClaimers(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            for _ in 0..<2 {
                _ = try await store.enqueue((0..<500).map { _ in Fixtures.request(channels: [.email, .sms]) })
            }
            let ids = try await withThrowingTaskGroup(of: [String].self) { group in
                for worker in 0..<4 {
                    group.addTask {
                        var mine: [String] = []
                        for _ in 0..<1000 {  // bounded: 2,000 / 25 per claim is far fewer rounds
                            let batch = try await store.claim(
                                owner: "w\(worker)", limit: 25, now: Fixtures.at(1000), lease: 60)
                            if batch.isEmpty { break }
                            mine += batch.map(\.delivery.id)
                        }
                        return mine
                    }
                }
                return try await group.reduce(into: [String]()) { $0 += $1 }
            }
            #expect(ids.count == 2000)
            #expect(Set(ids).count == 2000)
            #expect(try await store.snapshot(now: Fixtures.t0).count(.running) == 2000)
        }
    }

    @Test("complete applies only under the current lease owner, once", arguments: StoreFactory.all)
    func completeGuarded(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let request = Fixtures.request()
            _ = try await store.enqueue([request])
            let claimed = try #require(try await store.claim(owner: "w1", limit: 1, now: Fixtures.t0, lease: 30).first)

            let stale = Fixtures.update(claimed, owner: "w2", state: .sent, now: Fixtures.at(10))
            #expect(try await store.complete([stale]) == 0)
            #expect(try await store.deliveries(messageID: request.message.id)[0].state == .running)
            #expect(try await store.attempts(messageID: request.message.id).isEmpty)

            let good = Fixtures.update(claimed, owner: "w1", state: .sent, now: Fixtures.at(20), providerMessageID: "q-1")
            #expect(try await store.complete([good, stale]) == 1)
            let delivery = try await store.deliveries(messageID: request.message.id)[0]
            #expect(delivery.state == .sent && delivery.attempts == 1 && delivery.provider == "smtp")
            #expect(delivery.providerMessageID == "q-1" && delivery.leaseOwner == nil && delivery.leaseExpiresAt == nil)
            #expect(delivery.updatedAt == Fixtures.at(20) && delivery.lastError == nil)
            #expect(try await store.attempts(messageID: request.message.id) == [good.attempt!])

            // A second report of the same outcome (retried RPC) changes nothing.
            #expect(try await store.complete([good]) == 0)
            #expect(try await store.attempts(messageID: request.message.id).count == 1)
        }
    }

    @Test("a retryable outcome is claimable again at its next attempt time", arguments: StoreFactory.all)
    func retryable(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            _ = try await store.enqueue([Fixtures.request()])
            let claimed = try await store.claim(owner: "w", limit: 1, now: Fixtures.t0, lease: 30)[0]
            let update = Fixtures.update(claimed, owner: "w", state: .retryable, now: Fixtures.at(5), nextAttemptAt: Fixtures.at(10_000))
            #expect(try await store.complete([update]) == 1)
            #expect(try await store.claim(owner: "w", limit: 1, now: Fixtures.at(9_999), lease: 30).isEmpty)
            let again = try await store.claim(owner: "w", limit: 1, now: Fixtures.at(10_000), lease: 30)
            #expect(again.map(\.delivery.id) == [claimed.delivery.id])
            #expect(again[0].delivery.attempts == 1 && again[0].delivery.lastError == "smtp 550: no such user")
        }
    }

    @Test("fallback: activateNext wakes the next pending channel, skipPending skips the rest", arguments: StoreFactory.all)
    func fallbackFollowUps(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let request = Fixtures.request(channels: [.whatsapp, .sms, .email, .qr], mode: .fallback)
            let id = request.message.id
            _ = try await store.enqueue([request])

            let whatsapp = try await store.claim(owner: "w", limit: 5, now: Fixtures.t0, lease: 30)[0]
            let moveOn = RouteFollowUp.activateNext(messageID: id, afterPosition: 0, at: Fixtures.at(100))
            _ = try await store.complete([Fixtures.update(whatsapp, owner: "w", state: .failed, now: Fixtures.at(50), followUp: moveOn)])
            var states = try await store.deliveries(messageID: id).map(\.state)
            #expect(states == [.failed, .available, .pending, .pending])
            #expect(try await store.deliveries(messageID: id)[1].nextAttemptAt == Fixtures.at(100))

            let sms = try await store.claim(owner: "w", limit: 5, now: Fixtures.at(100), lease: 30)
            #expect(sms.map(\.delivery.channel) == [.sms])
            let moveOn2 = RouteFollowUp.activateNext(messageID: id, afterPosition: 1, at: Fixtures.at(200))
            _ = try await store.complete([Fixtures.update(sms[0], owner: "w", state: .failed, now: Fixtures.at(150), followUp: moveOn2)])
            states = try await store.deliveries(messageID: id).map(\.state)
            #expect(states == [.failed, .failed, .available, .pending])

            let email = try await store.claim(owner: "w", limit: 5, now: Fixtures.at(200), lease: 30)
            let skip = RouteFollowUp.skipPending(messageID: id, reason: "email was sent")
            _ = try await store.complete([Fixtures.update(email[0], owner: "w", state: .sent, now: Fixtures.at(250), followUp: skip)])
            let final = try await store.deliveries(messageID: id)
            #expect(final.map(\.state) == [.failed, .failed, .sent, .skipped])
            #expect(final[3].lastError == "email was sent" && final[3].nextAttemptAt == nil)
            #expect(try await store.attempts(messageID: id).map(\.outcome) == [.failed, .failed, .sent])
        }
    }

    @Test("a follow-up of an ignored (stale) update is not applied", arguments: StoreFactory.all)
    func staleFollowUpIgnored(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let request = Fixtures.request(channels: [.whatsapp, .sms], mode: .fallback)
            _ = try await store.enqueue([request])
            let claimed = try await store.claim(owner: "w", limit: 5, now: Fixtures.t0, lease: 30)[0]
            let moveOn = RouteFollowUp.activateNext(messageID: request.message.id, afterPosition: 0, at: Fixtures.t0)
            let stale = Fixtures.update(claimed, owner: "other", state: .failed, now: Fixtures.at(1), followUp: moveOn)
            #expect(try await store.complete([stale]) == 0)
            #expect(try await store.deliveries(messageID: request.message.id).map(\.state) == [.running, .pending])
        }
    }

    @Test("release returns only the owner's running claims, without counting an attempt", arguments: StoreFactory.all)
    func release(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            _ = try await store.enqueue((0..<4).map { _ in Fixtures.request() })
            let mine = try await store.claim(owner: "w1", limit: 3, now: Fixtures.t0, lease: 30)
            let theirs = try await store.claim(owner: "w2", limit: 1, now: Fixtures.t0, lease: 30)
            let ids = mine.prefix(2).map(\.delivery.id) + theirs.map(\.delivery.id) + ["no-such-id"]
            #expect(try await store.release(owner: "w1", deliveryIDs: ids, now: Fixtures.at(5)) == 2)
            let again = try await store.claim(owner: "w3", limit: 10, now: Fixtures.at(5), lease: 30)
            #expect(Set(again.map(\.delivery.id)) == Set(mine.prefix(2).map(\.delivery.id)))
            #expect(again.allSatisfy { $0.delivery.attempts == 0 })
            #expect(try await store.release(owner: "w1", deliveryIDs: [], now: Fixtures.at(5)) == 0)
        }
    }
}
