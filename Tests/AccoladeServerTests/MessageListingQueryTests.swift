import AccoladeCore
import AccoladeStoreTestSupport
import AccoladeStores
import Foundation
import Testing

/// `GET /v1/messages` reads a page's deliveries with one store call, whatever the page size.
@Suite("Message listing reads deliveries once per page")
struct MessageListingQueryTests {
    /// Counts the two ways of reading deliveries by message.
    final class DeliveryReadCounter: ForwardingStore, @unchecked Sendable {
        private let lock = NSLock()
        private var single = 0
        private var batched = 0
        var counts: (single: Int, batched: Int) { lock.withLock { (single, batched) } }

        override func deliveries(messageID: String) async throws -> [Delivery] {
            lock.withLock { single += 1 }
            return try await super.deliveries(messageID: messageID)
        }

        override func deliveries(messageIDs: [String]) async throws -> [String: [Delivery]] {
            lock.withLock { batched += 1 }
            return try await super.deliveries(messageIDs: messageIDs)
        }
    }

    @Test("a page of five messages is one delivery query, and every item carries its deliveries")
    func onePerPage() async throws {
        let counter = Box()
        let server = try await APITestServer(serving: { store in
            let counting = DeliveryReadCounter(store)
            counter.store = counting
            return counting
        })
        for _ in 0..<5 { #expect(try await server.send(APITestServer.reward()).status == 202) }
        let store = try #require(counter.store)
        let before = store.counts
        let page = try await server.request("GET", "/v1/messages?limit=5").json()
        let items = try #require(page["messages"] as? [[String: Any]])
        #expect(items.count == 5)
        for item in items {
            let deliveries = try #require(item["deliveries"] as? [[String: Any]], "\(item["id"] ?? "?")")
            #expect(deliveries.map { $0["channel"] as? String } == ["email"])
        }
        let after = store.counts
        #expect(after.single == before.single, "the listing read deliveries message by message")
        #expect(after.batched == before.batched + 1)
        await server.stop()
    }

    final class Box: @unchecked Sendable {
        var store: DeliveryReadCounter?
    }
}
