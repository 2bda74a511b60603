import AccoladeCore
import Foundation
import Testing

/// The `InboxFeed` contract: items written with their `sent` outcome, per-recipient sequences
/// without gaps, listing and counts by the pure ``InboxStatus`` rule, marks by ``InboxMark`` with
/// their receipts in the same transaction.
@Suite("Store contract: inbox feed")
struct StoreInboxContractTests {
    /// An item for `delivery` of message `messageID` in `recipient`'s feed.
    static func item(_ deliveryID: String, messageID: String, recipient: String = "crm-42", title: String = "You earned a reward", at offset: Int64 = 100)
        -> NewInboxItem
    {
        NewInboxItem(
            id: Identifier.make(now: Fixtures.at(offset)), recipientKey: recipient, deliveryID: deliveryID, messageID: messageID,
            template: "reward-earned", locale: "id-ID", title: title, body: "Rp 50.000 🎉", url: "https://crm.example.test/r/1",
            imageToken: "qr-token-1", createdAt: Fixtures.at(offset))
    }

    /// Enqueues `count` one-channel messages, sends their deliveries (no items yet) and returns
    /// their (delivery id, message id): items exist only for sent deliveries, and receipts apply only to them.
    static func deliveries(_ store: any Store, count: Int) async throws -> [(String, String)] {
        _ = try await store.enqueue((0..<count).map { _ in Fixtures.request() })
        let claimed = try await store.claim(owner: "setup", limit: count, now: Fixtures.t0, lease: 30)
        try #require(claimed.count == count)
        #expect(try await store.complete(claimed.map { Fixtures.update($0, owner: "setup", state: .sent, now: Fixtures.at(1)) }) == count)
        return claimed.map { ($0.delivery.id, $0.message.id) }
    }

    /// Writes `count` items to `recipient`'s feed (one per new delivery), one call each, in order.
    static func writeItems(_ store: any Store, count: Int, recipient: String = "crm-42") async throws -> [InboxItem] {
        var written: [InboxItem] = []
        for (i, (delivery, message)) in try await deliveries(store, count: count).enumerated() {
            written += try await store.writeInboxItems([item(delivery, messageID: message, recipient: recipient, title: "item \(i + 1)", at: Int64(i))])
        }
        return written
    }

    @Test("the item is written with its delivery's sent outcome, and only if that outcome applies", arguments: StoreFactory.all)
    func writtenWithOutcome(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            _ = try await store.enqueue([Fixtures.request(), Fixtures.request(), Fixtures.request()])
            let claimed = try await store.claim(owner: "w", limit: 3, now: Fixtures.t0, lease: 30)
            #expect(claimed.count == 3)
            func withItem(_ u: DeliveryUpdate, _ c: ClaimedDelivery) -> DeliveryUpdate {
                var u = u
                u.inboxItem = Self.item(c.delivery.id, messageID: c.message.id, at: 10)
                return u
            }
            let sent = withItem(Fixtures.update(claimed[0], owner: "w", state: .sent, now: Fixtures.at(10)), claimed[0])
            // A retry carries no item into the feed, nor does an outcome whose lease was lost.
            let retry = withItem(
                Fixtures.update(claimed[1], owner: "w", state: .retryable, now: Fixtures.at(10), nextAttemptAt: Fixtures.at(60_000)), claimed[1])
            let stale = withItem(Fixtures.update(claimed[2], owner: "someone-else", state: .sent, now: Fixtures.at(10)), claimed[2])
            #expect(try await store.complete([sent, retry, stale]) == 2)
            let items = try await store.inboxItems(recipientKey: "crm-42", after: 0, limit: 10)
            #expect(items.map(\.deliveryID) == [claimed[0].delivery.id])
            let stored = try #require(items.first)
            #expect(stored == sent.inboxItem?.stored(sequence: 1))
            #expect(try await store.deliveries(messageID: claimed[0].message.id).first?.state == .sent)
            #expect(try await store.inboxHead(recipientKey: "crm-42") == InboxHead(
                recipientKey: "crm-42", lastSequence: 1, version: 1, counts: InboxCounts(unread: 1, unseen: 1)))

            // The retried delivery, sent later, joins the feed as the next item.
            let again = try await store.claim(owner: "w", limit: 3, now: Fixtures.at(60_000), lease: 30)
            #expect(again.map(\.delivery.id) == [claimed[1].delivery.id])
            #expect(try await store.complete([withItem(Fixtures.update(again[0], owner: "w", state: .sent, now: Fixtures.at(60_001)), again[0])]) == 1)
            #expect(try await store.inboxItems(recipientKey: "crm-42", after: 1, limit: 10).map(\.sequence) == [2])
        }
    }

    @Test("sequences are 1, 2, 3 … per recipient; a delivery's second item writes nothing and takes no number", arguments: StoreFactory.all)
    func sequences(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let pairs = try await Self.deliveries(store, count: 5)
            let batch = [
                Self.item(pairs[0].0, messageID: pairs[0].1, recipient: "ana"), Self.item(pairs[1].0, messageID: pairs[1].1, recipient: "budi"),
                Self.item(pairs[2].0, messageID: pairs[2].1, recipient: "ana"),
            ]
            let written = try await store.writeInboxItems(batch)
            #expect(written.map(\.sequence) == [1, 1, 2])
            #expect(written.map(\.id) == batch.map(\.id))
            // Again, with a different id: the stored item comes back, nothing is added.
            var repeated = batch[2]
            repeated.id = Identifier.make(now: Fixtures.at(500))
            repeated.title = "changed"
            #expect(try await store.writeInboxItems([repeated]) == [written[2]])
            let next = try await store.writeInboxItems([Self.item(pairs[3].0, messageID: pairs[3].1, recipient: "ana")])
            #expect(next.map(\.sequence) == [3])
            #expect(try await store.inboxItems(recipientKey: "ana", after: 0, limit: 10).map(\.sequence) == [1, 2, 3])
            #expect(try await store.inboxItems(recipientKey: "ana", after: 1, limit: 1).map(\.sequence) == [2])
            #expect(try await store.inboxItems(recipientKey: "budi", after: 0, limit: 10).map(\.title) == ["You earned a reward"])
            #expect(try await store.inboxHead(recipientKey: "nobody") == InboxHead(
                recipientKey: "nobody", lastSequence: 0, version: 0, counts: InboxCounts(unread: 0, unseen: 0)))
            #expect(try await store.inboxItem(id: written[0].id, recipientKey: "ana") == written[0])
            #expect(try await store.inboxItem(id: written[0].id, recipientKey: "budi") == nil)
        }
    }

    @Test("concurrent writers for one recipient get every sequence exactly once, without gaps", arguments: StoreFactory.all)
    func concurrentWriters(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let pairs = try await Self.deliveries(store, count: 24)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for chunk in stride(from: 0, to: pairs.count, by: 2) {
                    let items = pairs[chunk..<chunk + 2].map { Self.item($0.0, messageID: $0.1, recipient: "shared") }
                    group.addTask { _ = try await store.writeInboxItems(items) }
                }
                try await group.waitForAll()
            }
            let items = try await store.inboxItems(recipientKey: "shared", after: 0, limit: 100)
            #expect(items.map(\.sequence) == Array(1...24))
            #expect(Set(items.map(\.deliveryID)) == Set(pairs.map(\.0)))
            #expect(try await store.inboxHead(recipientKey: "shared").lastSequence == 24)
        }
    }

    @Test("concurrent outcome batches with items for the same recipients in opposite orders neither deadlock nor skip a number", arguments: StoreFactory.all)
    func concurrentOutcomeBatches(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            _ = try await store.enqueue((0..<32).map { _ in Fixtures.request() })
            var batches: [[ClaimedDelivery]] = []
            for worker in 0..<8 {
                batches.append(try await store.claim(owner: "w\(worker)", limit: 4, now: Fixtures.t0, lease: 30))
            }
            try await withThrowingTaskGroup(of: Int.self) { group in
                for (worker, batch) in batches.enumerated() {
                    // Even workers write ana's items first, odd ones budi's: lock order must not follow input order.
                    let recipients = worker % 2 == 0 ? ["ana", "ana", "budi", "budi"] : ["budi", "budi", "ana", "ana"]
                    let updates = zip(batch, recipients).map { claimed, recipient in
                        var update = Fixtures.update(claimed, owner: "w\(worker)", state: .sent, now: Fixtures.at(10))
                        update.inboxItem = Self.item(claimed.delivery.id, messageID: claimed.message.id, recipient: recipient, at: 10)
                        return update
                    }
                    group.addTask { try await store.complete(updates) }
                }
                var applied = 0
                for try await count in group { applied += count }
                #expect(applied == 32)
            }
            for recipient in ["ana", "budi"] {
                #expect(try await store.inboxItems(recipientKey: recipient, after: 0, limit: 100).map(\.sequence) == Array(1...16))
            }
        }
    }

    @Test("a reader following a feed while writers commit never sees a gap it would have to go back for", arguments: StoreFactory.all)
    func readerNeverSkips(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let pairs = try await Self.deliveries(store, count: 30)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for pair in pairs {
                    let item = Self.item(pair.0, messageID: pair.1, recipient: "followed")
                    group.addTask { _ = try await store.writeInboxItems([item]) }
                }
                // What a stream does: read after the last sequence it sent. Every read must continue
                // exactly at last + 1, else a resumed stream (Last-Event-ID) would miss the hole.
                group.addTask {
                    var last: Int64 = 0
                    let deadline = ContinuousClock.now + .seconds(60)
                    while last < 30, ContinuousClock.now < deadline {
                        let items = try await store.inboxItems(recipientKey: "followed", after: last, limit: 7)
                        #expect(items.map(\.sequence) == Array((last + 1)..<(last + 1 + Int64(items.count))))
                        last = items.last?.sequence ?? last
                        if items.isEmpty { try await Task.sleep(for: .milliseconds(2)) }
                    }
                    #expect(last == 30)
                }
                try await group.waitForAll()
            }
        }
    }

    @Test("pages are newest first, the cursor continues below the last item, and counts come with every page", arguments: StoreFactory.all)
    func paging(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            _ = try await Self.writeItems(store, count: 5)
            _ = try await Self.writeItems(store, count: 1, recipient: "someone-else")
            let first = try await store.inboxPage(recipientKey: "crm-42", status: .all, before: nil, limit: 2)
            #expect(first.items.map(\.sequence) == [5, 4])
            #expect(first.nextCursor == 4)
            #expect(first.counts == InboxCounts(unread: 5, unseen: 5))
            let second = try await store.inboxPage(recipientKey: "crm-42", status: .all, before: first.nextCursor, limit: 2)
            #expect(second.items.map(\.sequence) == [3, 2])
            let last = try await store.inboxPage(recipientKey: "crm-42", status: .all, before: second.nextCursor, limit: 2)
            #expect(last.items.map(\.sequence) == [1])
            #expect(last.nextCursor == nil)
            // Exactly a page's worth left: no cursor to an empty page.
            #expect(try await store.inboxPage(recipientKey: "crm-42", status: .all, before: 3, limit: 2).nextCursor == nil)
            #expect(try await store.inboxPage(recipientKey: "nobody", status: .all, before: nil, limit: 10)
                == InboxPage(items: [], nextCursor: nil, counts: InboxCounts(unread: 0, unseen: 0)))
        }
    }

    @Test("changed feeds can be polled by a store-wide mark: each feed once, with its head", arguments: StoreFactory.all)
    func changes(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let start = try await store.inboxChanges(after: 0, limit: 10)
            #expect(start.feeds.isEmpty && start.mark == 0)
            let ana = try await Self.writeItems(store, count: 2, recipient: "ana")
            _ = try await Self.writeItems(store, count: 1, recipient: "budi")
            let first = try await store.inboxChanges(after: 0, limit: 10)
            #expect(first.feeds.map(\.recipientKey) == ["ana", "budi"])
            #expect(first.feeds.map(\.lastSequence) == [2, 1])
            #expect(try await store.inboxChanges(after: first.mark, limit: 10).feeds.isEmpty)
            // A mark is a change too; a repeat (no change) is not.
            _ = try await store.markInbox(.read, .item(ana[0].id), recipientKey: "ana", at: Fixtures.at(10))
            _ = try await store.markInbox(.read, .item(ana[0].id), recipientKey: "ana", at: Fixtures.at(11))
            let next = try await store.inboxChanges(after: first.mark, limit: 10)
            #expect(next.feeds.map(\.recipientKey) == ["ana"])
            #expect(next.feeds.first?.version == 3)
            #expect(next.mark > first.mark)
            #expect(try await store.inboxChanges(after: 0, limit: 1).feeds.map(\.recipientKey) == ["budi"])
        }
    }
}
