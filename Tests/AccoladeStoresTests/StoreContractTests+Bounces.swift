import AccoladeCore
import Foundation
import Testing

/// The `Store` contract for bounce handling: a delivery by id, and soft bounces counted per
/// address over a window, once per delivery.
@Suite("Store contract: bounces")
struct StoreBounceContractTests {
    @Test("delivery(id:) finds a delivery and its message; an unknown id is nil", arguments: StoreFactory.all)
    func deliveryByID(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let request = Fixtures.request(channels: [.email, .sms], mode: .fallback)
            _ = try await store.enqueue([request])
            let first = try #require(request.deliveries.first)
            let found = try #require(try await store.delivery(id: first.id))
            #expect(found.messageID == request.message.id)
            #expect(found.channel == .email)
            #expect(try await store.delivery(id: "dlv_nope") == nil)
        }
    }

    @Test("soft bounces count per address within the window, once per delivery", arguments: StoreFactory.all)
    func softBounces(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let day: Int64 = 86_400_000
            let month = -30 * day
            func bounce(_ address: String, _ delivery: String, at: Int64, since: Int64) async throws -> Int {
                try await store.recordSoftBounce(address: address, deliveryID: delivery, at: Fixtures.at(at), since: Fixtures.at(since))
            }
            let count1 = try await bounce("ana@example.test", "d1", at: 0, since: month)
            #expect(count1 == 1)
            // The same report handed over twice counts once.
            let count2 = try await bounce("ana@example.test", "d1", at: 1, since: month)
            #expect(count2 == 1)
            let count3 = try await bounce("bo@example.test", "d2", at: 2, since: month)
            #expect(count3 == 1)
            let count4 = try await bounce("ana@example.test", "d3", at: day * 10, since: day * -20)
            #expect(count4 == 2)
            // Forty days on, only the bounces within the last 30 days count.
            let count5 = try await bounce("ana@example.test", "d4", at: day * 40, since: day * 10)
            #expect(count5 == 2)
        }
    }
}
