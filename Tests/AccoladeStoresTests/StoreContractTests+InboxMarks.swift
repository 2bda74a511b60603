import AccoladeCore
import Foundation
import Testing

/// The `InboxFeed` contract for marks: listings and counts by ``InboxStatus``, marks by
/// ``InboxMark`` with their receipts in the same transaction, once, even under concurrency.
extension StoreInboxContractTests {
    @Test("every status lists exactly what InboxStatus.selects says, and the counts agree", arguments: StoreFactory.all)
    func statusesAgreeWithTheRule(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let items = try await Self.writeItems(store, count: 6)
            // Every reachable combination: fresh, seen, read; each in the feed and archived.
            let at = Fixtures.at(1_000)
            for (i, item) in items.enumerated() {
                if i % 3 == 1 { _ = try await store.markInbox(.seen, .item(item.id), recipientKey: "crm-42", at: at) }
                if i % 3 == 2 { _ = try await store.markInbox(.read, .item(item.id), recipientKey: "crm-42", at: at) }
                if i >= 3 { _ = try await store.markInbox(.archive, .item(item.id), recipientKey: "crm-42", at: at) }
            }
            let all = try await store.inboxItems(recipientKey: "crm-42", after: 0, limit: 100)
            #expect(all.count == 6)
            for status in InboxStatus.allCases {
                let page = try await store.inboxPage(recipientKey: "crm-42", status: status, before: nil, limit: 100)
                let expected = all.filter { status.selects($0.marks) }.sorted { $0.sequence > $1.sequence }
                #expect(page.items == expected, "status \(status)")
                #expect(page.counts == InboxCounts(counting: all.map(\.marks)))
            }
            #expect(try await store.inboxHead(recipientKey: "crm-42").counts == InboxCounts(unread: 2, unseen: 1))
        }
    }

    @Test("seen and read record delivered and read receipts for the delivery in the same call; a repeat records nothing", arguments: StoreFactory.all)
    func marksRecordReceipts(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            _ = try await store.enqueue([Fixtures.request()])
            let claimed = try #require(try await store.claim(owner: "w", limit: 1, now: Fixtures.t0, lease: 30).first)
            var update = Fixtures.update(claimed, owner: "w", state: .sent, now: Fixtures.at(10))
            update.inboxItem = Self.item(claimed.delivery.id, messageID: claimed.message.id, at: 10)
            #expect(try await store.complete([update]) == 1)
            let itemID = try #require(update.inboxItem?.id)

            let seen = try await store.markInbox(.seen, .item(itemID), recipientKey: "crm-42", at: Fixtures.at(20))
            #expect(seen.found && seen.changes.map(\.receipts) == [[.delivered]])
            #expect(seen.counts == InboxCounts(unread: 1, unseen: 0))
            #expect(try await store.deliveries(messageID: claimed.message.id).first?.state == .delivered)

            let read = try await store.markInbox(.read, .item(itemID), recipientKey: "crm-42", at: Fixtures.at(30))
            #expect(read.changes.map(\.receipts) == [[.read]])
            #expect(read.changes.first?.after == InboxMarks(seenAt: Fixtures.at(20), readAt: Fixtures.at(30)))
            #expect(read.counts == InboxCounts(unread: 0, unseen: 0))
            #expect(read.version > seen.version)
            #expect(try await store.deliveries(messageID: claimed.message.id).first?.state == .read)

            let repeated = try await store.markInbox(.read, .item(itemID), recipientKey: "crm-42", at: Fixtures.at(40))
            #expect(repeated.found && repeated.changes.isEmpty && repeated.version == read.version)
            let receipts = try await store.receipts(messageID: claimed.message.id)
            #expect(receipts.map(\.status) == ["delivered", "read"])
            #expect(receipts.allSatisfy { $0.provider == "inbox" })
            #expect(receipts.map(\.receivedAt) == [Fixtures.at(20), Fixtures.at(30)])
            #expect(try await store.inboxItem(id: itemID, recipientKey: "crm-42")?.marks
                == InboxMarks(seenAt: Fixtures.at(20), readAt: Fixtures.at(30)))

            // Another recipient's item, or none: not found, nothing changed.
            let foreign = try await store.markInbox(.read, .item(itemID), recipientKey: "someone-else", at: Fixtures.at(50))
            #expect(!foreign.found && foreign.changes.isEmpty)
            #expect(try await store.markInbox(.seen, .item("no-such-item"), recipientKey: "crm-42", at: Fixtures.at(50)).found == false)
        }
    }

    @Test("seen-all and read-all change the feed's items once, leave the archive alone, and record each receipt once", arguments: StoreFactory.all)
    func markAll(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let items = try await Self.writeItems(store, count: 4)
            _ = try await Self.writeItems(store, count: 1, recipient: "someone-else")
            _ = try await store.markInbox(.archive, .item(items[0].id), recipientKey: "crm-42", at: Fixtures.at(5))
            _ = try await store.markInbox(.read, .item(items[1].id), recipientKey: "crm-42", at: Fixtures.at(6))

            let seenAll = try await store.markInbox(.seen, .all, recipientKey: "crm-42", at: Fixtures.at(10))
            #expect(seenAll.changes.map(\.sequence) == [3, 4])
            #expect(seenAll.counts == InboxCounts(unread: 2, unseen: 0))
            let readAll = try await store.markInbox(.read, .all, recipientKey: "crm-42", at: Fixtures.at(20))
            #expect(readAll.changes.map(\.sequence) == [3, 4])
            #expect(readAll.changes.allSatisfy { $0.receipts == [.read] })
            #expect(readAll.counts == InboxCounts(unread: 0, unseen: 0))
            #expect(try await store.markInbox(.read, .all, recipientKey: "crm-42", at: Fixtures.at(30)).changes.isEmpty)
            // The archived item is untouched and still unread; the other recipient's too.
            #expect(try await store.inboxItem(id: items[0].id, recipientKey: "crm-42")?.marks == InboxMarks(archivedAt: Fixtures.at(5)))
            #expect(try await store.inboxHead(recipientKey: "someone-else").counts == InboxCounts(unread: 1, unseen: 1))
            // Every delivery got each receipt once.
            for item in items[1...] {
                #expect(try await store.receipts(messageID: item.messageID).map(\.status) == ["delivered", "read"])
            }
            #expect(try await store.receipts(messageID: items[0].messageID).isEmpty)

            // Unarchived, it is back in the feed and its badge.
            let back = try await store.markInbox(.unarchive, .item(items[0].id), recipientKey: "crm-42", at: Fixtures.at(40))
            #expect(back.changes.first?.receipts == [] && back.counts == InboxCounts(unread: 1, unseen: 1))
            let archiveAll = try await store.markInbox(.archive, .all, recipientKey: "crm-42", at: Fixtures.at(50))
            #expect(archiveAll.changes.count == 4 && archiveAll.counts == InboxCounts(unread: 0, unseen: 0))
        }
    }

    @Test("tabs marking the same items at once record each receipt once and agree on the counts", arguments: StoreFactory.all)
    func concurrentMarks(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let items = try await Self.writeItems(store, count: 8)
            let changed = try await withThrowingTaskGroup(of: Int.self) { group in
                for tab in 0..<3 {
                    group.addTask { try await store.markInbox(.seen, .all, recipientKey: "crm-42", at: Fixtures.at(100 + Int64(tab))).changes.count }
                    group.addTask { try await store.markInbox(.read, .all, recipientKey: "crm-42", at: Fixtures.at(200 + Int64(tab))).changes.count }
                    for item in items where item.sequence % 3 == Int64(tab) {
                        group.addTask {
                            try await store.markInbox(.read, .item(item.id), recipientKey: "crm-42", at: Fixtures.at(300)).changes.count
                        }
                    }
                }
                var total = 0
                for try await count in group { total += count }
                return total
            }
            // Every item was changed by at least one call and by at most two (seen, then read).
            #expect((8...16).contains(changed))
            for item in items {
                let receipts = try await store.receipts(messageID: item.messageID).map(\.status)
                #expect(receipts == ["delivered", "read"], "item \(item.sequence)")
                #expect(try await store.deliveries(messageID: item.messageID).first?.state == .read)
            }
            #expect(try await store.inboxHead(recipientKey: "crm-42").counts == InboxCounts(unread: 0, unseen: 0))
        }
    }

    @Test("the feed version moves with every change to the feed, and a page carries the version of its own snapshot", arguments: StoreFactory.all)
    func versionFollowsEveryChange(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            // What the API's page cache relies on: same version, same page.
            func expectVersion(_ expected: Int64, _ comment: Comment) async throws {
                #expect(try await store.inboxVersion(recipientKey: "crm-42") == expected, comment)
                #expect(try await store.inboxHead(recipientKey: "crm-42").version == expected, comment)
                for status in InboxStatus.allCases {
                    #expect(try await store.inboxPage(recipientKey: "crm-42", status: status, before: nil, limit: 5).version == expected, comment)
                }
            }
            try await expectVersion(0, "no feed yet")
            let items = try await Self.writeItems(store, count: 2)
            try await expectVersion(2, "two items written")
            _ = try await Self.writeItems(store, count: 1, recipient: "someone-else")
            try await expectVersion(2, "another recipient's item")
            let at = Fixtures.at(500)
            var version: Int64 = 2
            for mark in [InboxMark.seen, .read, .archive, .unarchive] {
                _ = try await store.markInbox(mark, .item(items[0].id), recipientKey: "crm-42", at: at)
                version += 1
                try await expectVersion(version, "\(mark)")
                _ = try await store.markInbox(mark, .item(items[0].id), recipientKey: "crm-42", at: at)
                try await expectVersion(version, "\(mark) repeated: nothing changed")
            }
            for mark in [InboxMark.seen, .read] {
                _ = try await store.markInbox(mark, .all, recipientKey: "crm-42", at: at)
                version += 1
                try await expectVersion(version, "\(mark)-all")
                _ = try await store.markInbox(mark, .all, recipientKey: "crm-42", at: at)
                try await expectVersion(version, "\(mark)-all repeated")
            }
            // An item riding on its delivery's sent outcome, as the worker writes it.
            _ = try await store.enqueue([Fixtures.request()])
            let claimed = try #require(try await store.claim(owner: "w", limit: 1, now: Fixtures.t0, lease: 30).first)
            var update = Fixtures.update(claimed, owner: "w", state: .sent, now: Fixtures.at(600))
            update.inboxItem = Self.item(claimed.delivery.id, messageID: claimed.message.id, at: 600)
            #expect(try await store.complete([update]) == 1)
            try await expectVersion(version + 1, "an item written with its outcome")
        }
    }
}
