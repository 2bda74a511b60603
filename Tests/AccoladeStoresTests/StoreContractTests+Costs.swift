import AccoladeCore
import Foundation
import Testing

/// The `Store` contract for costs and report values (issue 18): an accepted attempt's cost is
/// written with the outcome (attempt and delivery), a free-of-charge receipt zeroes the
/// delivery's cost (also when it was held), and a message keeps the values read at accept.
@Suite("Store contract: costs and report values")
struct StoreCostContractTests {
    static let price = MicroMoney(micros: 25_200, currency: "USD")

    static func sent(_ c: ClaimedDelivery, cost: MicroMoney?, providerMessageID: String? = nil, at offset: Int64 = 1) -> DeliveryUpdate {
        var update = Fixtures.update(c, owner: "w", state: .sent, now: Fixtures.at(offset), providerMessageID: providerMessageID)
        update.attempt?.cost = cost
        return update
    }

    static func free(_ reference: ReceiptReport.Reference, event: String, at offset: Int64) -> ReceiptReport {
        var report = ReceiptReport(
            reference: reference, state: .delivered, provider: "whatsapp", providerEventID: event, occurredAt: nil,
            receivedAt: Fixtures.at(offset), detail: nil)
        report.freeOfCharge = true
        return report
    }

    @Test("the accepted attempt's cost is kept on the attempt and the delivery; a failure costs nothing", arguments: StoreFactory.all)
    func recorded(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            _ = try await store.enqueue([Fixtures.request(channels: [.whatsapp, .sms])])
            let claimed = try await store.claim(owner: "w", limit: 2, now: Fixtures.t0, lease: 30)
            let whatsapp = try #require(claimed.first { $0.delivery.channel == .whatsapp })
            let sms = try #require(claimed.first { $0.delivery.channel == .sms })
            var failed = Fixtures.update(sms, owner: "w", state: .failed, now: Fixtures.at(1))
            failed.attempt?.cost = Self.price  // never applied: only a sent outcome costs
            #expect(try await store.complete([Self.sent(whatsapp, cost: Self.price), failed]) == 2)
            let deliveries = try await store.deliveries(messageID: whatsapp.message.id)
            #expect(deliveries.first { $0.channel == .whatsapp }?.cost == Self.price)
            #expect(deliveries.first { $0.channel == .sms }?.cost == nil)
            let attempts = try await store.attempts(messageID: whatsapp.message.id)
            #expect(attempts.first { $0.deliveryID == whatsapp.delivery.id }?.cost == Self.price)
        }
    }

    @Test("a free-of-charge receipt zeroes the delivery's cost, also when it arrived before the outcome", arguments: StoreFactory.all)
    func freeOfCharge(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            _ = try await store.enqueue([Fixtures.request(channels: [.whatsapp]), Fixtures.request(channels: [.whatsapp])])
            let claimed = try await store.claim(owner: "w", limit: 2, now: Fixtures.t0, lease: 30)
            #expect(claimed.count == 2)
            // The first: outcome first, then the free status.
            #expect(try await store.complete([Self.sent(claimed[0], cost: Self.price, providerMessageID: "wamid.A")]) == 1)
            #expect(try await store.recordReceipt(Self.free(.providerMessageID("wamid.A"), event: "A:d", at: 2)) == .applied(.delivered))
            #expect(try await store.deliveries(messageID: claimed[0].message.id).first?.cost == MicroMoney(micros: 0, currency: "USD"))
            // The attempt keeps the price in force when it was sent.
            #expect(try await store.attempts(messageID: claimed[0].message.id).first?.cost == Self.price)
            // The second: the free status is held until the outcome carrying its wamid is written.
            #expect(try await store.recordReceipt(Self.free(.providerMessageID("wamid.B"), event: "B:d", at: 2)) == .held)
            #expect(try await store.complete([Self.sent(claimed[1], cost: Self.price, providerMessageID: "wamid.B", at: 3)]) == 1)
            let second = try #require(try await store.deliveries(messageID: claimed[1].message.id).first)
            #expect(second.state == .delivered && second.cost == MicroMoney(micros: 0, currency: "USD"))
        }
    }

    @Test("a message keeps its programme, reward value and outcome value", arguments: StoreFactory.all)
    func values(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            var message = Fixtures.message()
            message.setValues(
                MessageValues(
                    programme: "Kudos Awards", rewardValue: MicroMoney(micros: 50_000_000_000, currency: "IDR"),
                    outcomeValue: MicroMoney(micros: 1_250_500_000, currency: "USD")))
            _ = try await store.enqueue([Fixtures.request(message)])
            let stored = try #require(try await store.message(id: message.id))
            #expect(stored == message)
            let plain = Fixtures.message(id: Identifier.make(now: Fixtures.at(1)))
            _ = try await store.enqueue([Fixtures.request(plain)])
            let read = try #require(try await store.message(id: plain.id))
            #expect(read.programme == nil && read.rewardValue == nil && read.outcomeValue == nil)
        }
    }
}
