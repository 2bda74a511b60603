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

    @Test("receipts advance sent → delivered → read, ignore repeats and stale ones, keep history", arguments: StoreFactory.all)
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
            #expect(try await store.recordReceipt(receipt(id, "failed", event: "e2", at: 5), state: .failed) == .applied(.failed))
            let delivery = try #require(try await store.deliveries(messageID: c.message.id).first)
            #expect(delivery.state == .failed)
            #expect(delivery.lastError == "30003 unreachable handset")
            #expect(try await store.receipts(messageID: c.message.id).map(\.status) == ["delivered", "sent", "failed"])
            #expect(try await store.recordReceipt(receipt("nope", "delivered", event: nil, at: 6), state: .delivered) == .unknownDelivery)
        }
    }
}
