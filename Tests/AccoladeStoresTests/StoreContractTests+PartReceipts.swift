import AccoladeCore
import Foundation
import Testing

/// The `Store` contract for a delivery sent as several parts (an SMS Accolade split itself, each
/// part with its own delivery report): delivered only when every part is, failed when any part
/// fails, every part's report kept — whether it arrives before or after the outcome is written.
@Suite("Store contract: receipts of a delivery sent in parts")
struct StorePartReceiptContractTests {
    static func report(_ deliveryID: String, part: Int, of count: Int, _ state: DeliveryState, raw: String, at offset: Int64) -> ReceiptReport {
        ReceiptReport(
            reference: .deliveryID(deliveryID), state: state, provider: "kannel", providerEventID: "kannel:d:\(deliveryID):\(raw):part\(part)/\(count)",
            occurredAt: nil, receivedAt: Fixtures.at(offset), detail: state == .failed ? "not delivered to phone" : nil,
            part: ReceiptReport.Part(index: part, count: count))
    }

    @Test("delivered when every part is, in any order; repeats are duplicates; every part's report is kept", arguments: StoreFactory.all)
    func deliveredNeedsEveryPart(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let c = try await StoreHeldReceiptContractTests.running(store)
            let id = c.delivery.id
            #expect(try await store.complete([StoreHeldReceiptContractTests.sent(c, providerID: nil)]) == 1)
            #expect(try await store.recordReceipt(Self.report(id, part: 3, of: 3, .delivered, raw: "1", at: 101)) == .recorded)
            #expect(try await store.recordReceipt(Self.report(id, part: 1, of: 3, .sent, raw: "8", at: 102)) == .recorded)
            #expect(try await store.recordReceipt(Self.report(id, part: 1, of: 3, .delivered, raw: "1", at: 103)) == .recorded)
            #expect(try await store.recordReceipt(Self.report(id, part: 1, of: 3, .delivered, raw: "1", at: 104)) == .duplicate)
            #expect(try await StoreHeldReceiptContractTests.state(store, c) == .sent)
            #expect(try await store.recordReceipt(Self.report(id, part: 2, of: 3, .delivered, raw: "1", at: 105)) == .applied(.delivered))
            #expect(try await StoreHeldReceiptContractTests.state(store, c) == .delivered)
            // A late acceptance report of a part changes nothing.
            #expect(try await store.recordReceipt(Self.report(id, part: 2, of: 3, .sent, raw: "8", at: 106)) == .recorded)
            let receipts = try await store.receipts(messageID: c.message.id)
            #expect(receipts.map(\.status) == ["delivered", "sent", "delivered", "delivered", "sent"])
            #expect(receipts.map { $0.part?.index } == [3, 1, 1, 2, 2])
            #expect(receipts.allSatisfy { $0.part?.count == 3 })
        }
    }

    @Test("failed as soon as one part fails, even with the others delivered", arguments: StoreFactory.all)
    func onePartFails(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let c = try await StoreHeldReceiptContractTests.running(store)
            let id = c.delivery.id
            #expect(try await store.complete([StoreHeldReceiptContractTests.sent(c, providerID: nil)]) == 1)
            #expect(try await store.recordReceipt(Self.report(id, part: 1, of: 2, .delivered, raw: "1", at: 101)) == .recorded)
            #expect(try await store.recordReceipt(Self.report(id, part: 2, of: 2, .failed, raw: "2", at: 102)) == .applied(.failed))
            let delivery = try #require(try await store.deliveries(messageID: c.message.id).first)
            #expect(delivery.state == .failed && delivery.lastError == "not delivered to phone")
            // The other part's later success is history: failed stays failed.
            #expect(try await store.recordReceipt(Self.report(id, part: 2, of: 2, .delivered, raw: "1", at: 103)) == .recorded)
            #expect(try await StoreHeldReceiptContractTests.state(store, c) == .failed)
            #expect(try await store.receipts(messageID: c.message.id).count == 3)
        }
    }

    @Test("parts' reports that beat the outcome are held, then decided together when it is written", arguments: StoreFactory.all)
    func heldParts(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let c = try await StoreHeldReceiptContractTests.running(store)
            let id = c.delivery.id
            #expect(try await store.recordReceipt(Self.report(id, part: 2, of: 2, .delivered, raw: "1", at: 10)) == .held)
            #expect(try await store.recordReceipt(Self.report(id, part: 1, of: 2, .delivered, raw: "1", at: 11)) == .held)
            #expect(try await store.recordReceipt(Self.report(id, part: 1, of: 2, .delivered, raw: "1", at: 12)) == .duplicate)
            #expect(try await store.complete([StoreHeldReceiptContractTests.sent(c, providerID: nil)]) == 1)
            #expect(try await StoreHeldReceiptContractTests.state(store, c) == .delivered)
            let receipts = try await store.receipts(messageID: c.message.id)
            #expect(receipts.map { $0.part?.index } == [2, 1])
            #expect(receipts.map(\.receivedAt) == [Fixtures.at(10), Fixtures.at(11)])

            // One part held, the other after the outcome: still needs both.
            let d = try await StoreHeldReceiptContractTests.running(store)
            #expect(try await store.recordReceipt(Self.report(d.delivery.id, part: 1, of: 2, .delivered, raw: "1", at: 10)) == .held)
            #expect(try await store.complete([StoreHeldReceiptContractTests.sent(d, providerID: nil)]) == 1)
            #expect(try await StoreHeldReceiptContractTests.state(store, d) == .sent)
            #expect(try await store.recordReceipt(Self.report(d.delivery.id, part: 2, of: 2, .delivered, raw: "1", at: 120)) == .applied(.delivered))
        }
    }
}
