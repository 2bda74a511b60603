import AccoladeCore
import Foundation
import Testing

/// The `Store` contract for paged message listings (the HTTP API's `GET /v1/messages`).
@Suite("Store contract: message listings")
struct StoreListingContractTests {
    @Test("lists newest first and pages with the last id as cursor", arguments: StoreFactory.all)
    func paging(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let messages = (0..<5).map { i in
                Fixtures.message(id: Identifier.make(now: Fixtures.at(Int64(i))), createdAt: Fixtures.at(Int64(i)))
            }
            _ = try await store.enqueue(messages.map { Fixtures.request($0) })
            let first = try await store.messages(matching: MessageQuery(limit: 2))
            #expect(first.map(\.id) == [messages[4].id, messages[3].id])
            let second = try await store.messages(matching: MessageQuery(before: first.last?.id, limit: 2))
            #expect(second.map(\.id) == [messages[2].id, messages[1].id])
            let since = try await store.messages(matching: MessageQuery(since: Fixtures.at(3), limit: 10))
            #expect(since.map(\.id) == [messages[4].id, messages[3].id])
        }
    }

    @Test("filters by any recipient address and by delivery state", arguments: StoreFactory.all)
    func filters(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            _ = try await store.enqueue([Fixtures.request(), Fixtures.request()])
            for address in ["ana@example.test", "+6281234567890", "crm-42"] {
                #expect(try await store.messages(matching: MessageQuery(recipient: address)).count == 2)
            }
            #expect(try await store.messages(matching: MessageQuery(recipient: "bob@example.test")).isEmpty)
            let claimed = try await store.claim(owner: "w", limit: 1, now: Fixtures.t0, lease: 30)
            let c = try #require(claimed.first)
            #expect(try await store.complete([Fixtures.update(c, owner: "w", state: .failed, now: Fixtures.at(5))]) == 1)
            let failed = try await store.messages(matching: MessageQuery(state: .failed))
            #expect(failed.map(\.id) == [c.message.id])
            #expect(try await store.receipts(messageID: c.message.id).isEmpty)
        }
    }

    @Test("reads the deliveries of a whole page at once, each message's in route order", arguments: StoreFactory.all)
    func deliveriesOfMany(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let requests = [
                Fixtures.request(channels: [.whatsapp, .sms, .email], mode: .fallback), Fixtures.request(channels: [.email]),
                Fixtures.request(channels: [.sms, .email]),
            ]
            _ = try await store.enqueue(requests)
            let ids = requests.map(\.message.id)
            let all = try await store.deliveries(messageIDs: ids + ["no-such-message"])
            #expect(Set(all.keys) == Set(ids))
            for id in ids {
                let one = try await store.deliveries(messageID: id)
                #expect(!one.isEmpty)
                #expect(all[id] == one, "\(id)")
            }
            #expect(all[ids[0]]?.map(\.channel) == [.whatsapp, .sms, .email])
            #expect(try await store.deliveries(messageIDs: [ids[1]]).keys.sorted() == [ids[1]])
            #expect(try await store.deliveries(messageIDs: []).isEmpty)
        }
    }
}
