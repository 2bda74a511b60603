import AccoladeCore
import Foundation
import Testing

/// The `Store` contract for what fault-tolerant workers rely on: claims filtered by channel, the
/// lease heartbeat, rescues that spare the sweeper's own claims, and the board of paused channels.
@Suite("Store contract: channel filters, heartbeats, fencing, pauses")
struct StoreFaultContractTests {
    @Test("a claim takes only the channels asked for; an empty set takes nothing", arguments: StoreFactory.all)
    func channelFilter(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            _ = try await store.enqueue((0..<3).map { _ in Fixtures.request(channels: [.email, .sms, .whatsapp]) })
            #expect(try await store.claim(owner: "w", limit: 10, now: Fixtures.t0, lease: 30, channels: []).isEmpty)
            let sms = try await store.claim(owner: "w", limit: 10, now: Fixtures.t0, lease: 30, channels: [.sms])
            #expect(sms.count == 3 && sms.allSatisfy { $0.delivery.channel == .sms })
            let two = try await store.claim(owner: "w", limit: 10, now: Fixtures.t0, lease: 30, channels: [.email, .sms])
            #expect(two.count == 3 && two.allSatisfy { $0.delivery.channel == .email })
            let all = try await store.claim(owner: "w", limit: 10, now: Fixtures.t0, lease: 30, channels: Set(ChannelKind.allCases))
            #expect(all.count == 3 && all.allSatisfy { $0.delivery.channel == .whatsapp })
        }
    }

    @Test("deliveries are counted by state and channel (what a draining worker waits for)", arguments: StoreFactory.all)
    func countByChannel(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            _ = try await store.enqueue((0..<2).map { _ in Fixtures.request(channels: [.email, .sms]) })
            _ = try await store.claim(owner: "w", limit: 10, now: Fixtures.t0, lease: 30, channels: [.email])
            #expect(try await store.countDeliveries(inStates: [.available, .running], channels: nil) == 4)
            #expect(try await store.countDeliveries(inStates: [.available, .running], channels: [.email]) == 2)
            #expect(try await store.countDeliveries(inStates: [.available], channels: [.email]) == 0)
            #expect(try await store.countDeliveries(inStates: [.available], channels: [.sms, .whatsapp]) == 2)
            #expect(try await store.countDeliveries(inStates: [], channels: nil) == 0)
        }
    }

    @Test("a heartbeat extends only the owner's running leases, from the store's clock", arguments: StoreFactory.all)
    func heartbeat(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            _ = try await store.enqueue((0..<3).map { _ in Fixtures.request() })
            let mine = try await store.claim(owner: "a", limit: 2, now: Fixtures.t0, lease: 30)
            let theirs = try await store.claim(owner: "b", limit: 1, now: Fixtures.t0, lease: 30)
            let ids = (mine + theirs).map(\.delivery.id)
            #expect(try await store.extendLeases(owner: "a", deliveryIDs: ids, now: Fixtures.at(20_000), lease: 30) == 2)
            #expect(try await store.extendLeases(owner: "a", deliveryIDs: [], now: Fixtures.at(20_000), lease: 30) == 0)
            // At t0 + 40 s only b's lease (t0 + 30 s) has run out; a's now ends at t0 + 50 s.
            #expect(try await store.rescueExpiredLeases(now: Fixtures.at(40_000), maxAttempts: 5) == 1)
            for c in mine {
                let d = try #require(try await store.deliveries(messageID: c.message.id).first)
                #expect(d.state == .running && d.leaseExpiresAt == Fixtures.at(50_000) && d.updatedAt == Fixtures.t0)
            }
            // A rescued delivery is not extended: its old owner learns it lost the lease.
            #expect(try await store.extendLeases(owner: "b", deliveryIDs: theirs.map(\.delivery.id), now: Fixtures.at(41_000), lease: 30) == 0)
        }
    }

    @Test("a sweeper spares the claims it holds, however late, but not one it never heard back about", arguments: StoreFactory.all)
    func sparing(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            _ = try await store.enqueue((0..<3).map { _ in Fixtures.request() })
            let held = try await store.claim(owner: "me", limit: 1, now: Fixtures.t0, lease: 30)
            _ = try await store.claim(owner: "me", limit: 1, now: Fixtures.t0, lease: 30)  // its answer was lost
            _ = try await store.claim(owner: "dead", limit: 1, now: Fixtures.t0, lease: 30)
            let spared = held.map(\.delivery.id)
            #expect(try await store.rescueExpiredLeases(now: Fixtures.at(60_000), maxAttempts: 5, sparing: spared) == 2)
            let snapshot = try await store.snapshot(now: Fixtures.at(60_000))
            #expect(snapshot.count(.running) == 1 && snapshot.count(.available) == 2)
            #expect(try await store.rescueExpiredLeases(now: Fixtures.at(60_000), maxAttempts: 5, sparing: []) == 1)
        }
    }

    @Test("paused channels: recorded, refreshed keeping the first time, cleared", arguments: StoreFactory.all)
    func pauseBoard(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            #expect(try await store.providerPauses().isEmpty)
            let pause = ProviderPause(
                channel: .email, provider: "smtp", configKey: "channels.email.smtp.ca_file", reason: "smtp curl:60: SSL certificate problem",
                since: Fixtures.t0, nextProbeAt: Fixtures.at(5000), owner: "w1")
            try await store.recordPause(pause)
            var later = pause
            later.since = Fixtures.at(9000)
            later.nextProbeAt = Fixtures.at(20_000)
            later.owner = "w2"
            try await store.recordPause(later)
            try await store.recordPause(ProviderPause(
                channel: .sms, provider: "twilio", configKey: "channels.sms.providers[0].auth_token", reason: "twilio 20003",
                since: Fixtures.t0, nextProbeAt: Fixtures.at(5000), owner: "w1"))
            let pauses = try await store.providerPauses()
            #expect(pauses.map(\.channel) == [.email, .sms])
            #expect(pauses[0].since == Fixtures.t0 && pauses[0].nextProbeAt == Fixtures.at(20_000) && pauses[0].owner == "w2")
            try await store.clearPause(channel: .email)
            try await store.clearPause(channel: .qr)  // nothing to clear: no error
            #expect(try await store.providerPauses().map(\.channel) == [.sms])
        }
    }

    @Test("fallback revival matches the stored skip cause, not the text", arguments: StoreFactory.all)
    func revivalByCause(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            // Expired: skipped with a cause revival must not match.
            let request = Fixtures.request(channels: [.whatsapp, .sms, .email], mode: .fallback)
            _ = try await store.enqueue([request])
            let c = try #require(try await store.claim(owner: "w", limit: 1, now: Fixtures.t0, lease: 30).first)
            let skip = RouteFollowUp.skipPending(messageID: request.message.id, reason: "whatsapp was sent", cause: .expired)
            _ = try await store.complete([Fixtures.update(c, owner: "w", state: .sent, now: Fixtures.at(1), followUp: skip)])
            let revive = DeliveryStateMachine.followUp(
                afterReceipt: .failed, messageID: request.message.id, position: 0, mode: .fallback, now: Fixtures.at(2))
            _ = try await store.recordReceipt(
                Receipt(deliveryID: c.delivery.id, status: "failed", provider: "whatsapp", providerEventID: "x", occurredAt: nil,
                        receivedAt: Fixtures.at(2), detail: "131026"), state: .failed)
            #expect(revive != nil)
            #expect(try await store.deliveries(messageID: request.message.id).map(\.state) == [.failed, .skipped, .skipped])
        }
    }
}
