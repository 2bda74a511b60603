import AccoladeCore
import Foundation
import Testing

/// The `Store` contract for provider receipts (webhooks): monotonic, deduplicated, history kept.
@Suite("Store contract: receipts")
struct StoreReceiptContractTests {
    func receipt(_ deliveryID: String, _ status: String, event: String?, at offset: Int64) -> Receipt {
        Receipt(
            deliveryID: deliveryID, status: status, provider: "gateway", providerEventID: event, occurredAt: nil,
            receivedAt: Fixtures.at(offset), detail: status == "failed" ? "30003 unreachable handset" : nil)
    }

    @Test("receipts advance sent → delivered → read, ignore repeats, stale ones and late failures, keep history", arguments: StoreFactory.all)
    func monotonic(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            _ = try await store.enqueue([Fixtures.request()])
            let c = try #require(try await store.claim(owner: "w", limit: 1, now: Fixtures.t0, lease: 30).first)
            #expect(
                try await store.complete([
                    Fixtures.update(c, owner: "w", state: .sent, now: Fixtures.at(1), providerMessageID: "SM123")
                ]) == 1)
            #expect(try await store.deliveryID(providerMessageID: "SM123") == c.delivery.id)
            #expect(try await store.deliveryID(providerMessageID: "SM999") == nil)
            let id = c.delivery.id
            #expect(try await store.recordReceipt(receipt(id, "delivered", event: "e1", at: 2), state: .delivered) == .applied(.delivered))
            #expect(try await store.recordReceipt(receipt(id, "delivered", event: "e1", at: 3), state: .delivered) == .duplicate)
            #expect(try await store.recordReceipt(receipt(id, "sent", event: "e0", at: 4), state: .sent) == .recorded)
            #expect(try await store.deliveries(messageID: c.message.id).first?.state == .delivered)
            // A failure never overrides delivered (a replayed or reordered callback): history only.
            #expect(try await store.recordReceipt(receipt(id, "failed", event: "e2", at: 5), state: .failed) == .recorded)
            let delivery = try #require(try await store.deliveries(messageID: c.message.id).first)
            #expect(delivery.state == .delivered)
            #expect(delivery.lastError == nil)
            #expect(try await store.receipts(messageID: c.message.id).map(\.status) == ["delivered", "sent", "failed"])
            #expect(try await store.recordReceipt(receipt("nope", "delivered", event: nil, at: 6), state: .delivered) == .unknownDelivery)
        }
    }
}

/// A fallback route whose first channel was accepted, then reported failed by webhook.
@Suite("Store contract: late failures move a fallback route on")
struct StoreLateFailureContractTests {
    @Test("a failed receipt revives the channels skipped because this one was sent, the next at once", arguments: StoreFactory.all)
    func revives(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            _ = try await store.enqueue([Fixtures.request(channels: [.whatsapp, .sms, .email], mode: .fallback)])
            let first = try #require(try await store.claim(owner: "w", limit: 10, now: Fixtures.t0, lease: 30).first)
            #expect(first.delivery.channel == .whatsapp)
            let skip = RouteFollowUp.skipPending(
                messageID: first.message.id, reason: DeliveryStateMachine.fallbackSkipReason(sent: .whatsapp))
            #expect(
                try await store.complete([
                    Fixtures.update(first, owner: "w", state: .sent, now: Fixtures.at(1), followUp: skip, providerMessageID: "wamid.1")
                ]) == 1)
            func states() async throws -> [ChannelKind: DeliveryState] {
                Dictionary(uniqueKeysWithValues: try await store.deliveries(messageID: first.message.id).map { ($0.channel, $0.state) })
            }
            #expect(try await states() == [.whatsapp: .sent, .sms: .skipped, .email: .skipped])
            let failed = Receipt(
                deliveryID: first.delivery.id, status: "failed", provider: "whatsapp", providerEventID: "wamid.1:failed",
                occurredAt: nil, receivedAt: Fixtures.at(2), detail: "131026 message undeliverable")
            #expect(try await store.recordReceipt(failed, state: .failed) == .applied(.failed))
            #expect(try await states() == [.whatsapp: .failed, .sms: .available, .email: .pending])
            let next = try await store.claim(owner: "w", limit: 10, now: Fixtures.at(3), lease: 30)
            #expect(next.map(\.delivery.channel) == [.sms])
        }
    }

    @Test("in an all route a failed receipt changes only its own delivery", arguments: StoreFactory.all)
    func allRoute(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            _ = try await store.enqueue([Fixtures.request(channels: [.whatsapp, .sms])])
            let claimed = try await store.claim(owner: "w", limit: 10, now: Fixtures.t0, lease: 30)
            let whatsapp = try #require(claimed.first { $0.delivery.channel == .whatsapp })
            #expect(try await store.complete(claimed.map { Fixtures.update($0, owner: "w", state: .sent, now: Fixtures.at(1)) }) == 2)
            let failed = Receipt(
                deliveryID: whatsapp.delivery.id, status: "failed", provider: "whatsapp", providerEventID: "e",
                occurredAt: nil, receivedAt: Fixtures.at(2), detail: "131026")
            #expect(try await store.recordReceipt(failed, state: .failed) == .applied(.failed))
            let states = try await store.deliveries(messageID: whatsapp.message.id).map(\.state)
            #expect(Set(states) == [.failed, .sent])
        }
    }
}
