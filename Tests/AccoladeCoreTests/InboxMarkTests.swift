import Foundation
import Testing

@testable import AccoladeCore

/// The inbox's pure rules: which items a status lists and counts, what a mark changes, which
/// items "mark all" touches, and which receipts a change implies. The stores apply these; the
/// store contract tests check they agree.
@Suite("inbox marks and statuses")
struct InboxMarkTests {
    static let t1 = Date(timeIntervalSince1970: 1_760_000_000)
    static let t2 = Date(timeIntervalSince1970: 1_760_000_100)

    /// Every combination of the three marks (including "read but not seen", which no mark makes
    /// but which the rules must still treat sensibly).
    static let allMarks: [InboxMarks] = [nil, t1].flatMap { seen in
        [nil, t1].flatMap { read in [nil, t1].map { archived in InboxMarks(seenAt: seen, readAt: read, archivedAt: archived) } }
    }

    @Test("statuses: archived items are listed and counted only as archived")
    func statuses() {
        let fresh = InboxMarks()
        let seen = InboxMarks(seenAt: Self.t1)
        let read = InboxMarks(seenAt: Self.t1, readAt: Self.t1)
        let archivedUnread = InboxMarks(archivedAt: Self.t1)
        #expect(InboxStatus.allCases.filter { $0.selects(fresh) } == [.unread, .unseen, .all])
        #expect(InboxStatus.allCases.filter { $0.selects(seen) } == [.unread, .all])
        #expect(InboxStatus.allCases.filter { $0.selects(read) } == [.all])
        #expect(InboxStatus.allCases.filter { $0.selects(archivedUnread) } == [.archived])
        // Every item is in exactly one of "all" and "archived".
        for marks in Self.allMarks { #expect(InboxStatus.all.selects(marks) != InboxStatus.archived.selects(marks)) }
        #expect(InboxCounts(counting: [fresh, seen, read, archivedUnread]) == InboxCounts(unread: 2, unseen: 1))
    }

    @Test("seen and read set their time once; read implies seen; a repeat changes nothing")
    func seenAndRead() {
        let seen = InboxMark.seen.applied(to: InboxMarks(), at: Self.t1)
        #expect(seen == InboxMarks(seenAt: Self.t1))
        #expect(InboxMark.seen.applied(to: InboxMarks(seenAt: Self.t1), at: Self.t2) == nil)
        #expect(InboxMark.read.applied(to: InboxMarks(), at: Self.t1) == InboxMarks(seenAt: Self.t1, readAt: Self.t1))
        // Read later than seen keeps the first seen time.
        #expect(InboxMark.read.applied(to: InboxMarks(seenAt: Self.t1), at: Self.t2) == InboxMarks(seenAt: Self.t1, readAt: Self.t2))
        #expect(InboxMark.read.applied(to: InboxMarks(seenAt: Self.t1, readAt: Self.t1), at: Self.t2) == nil)
        // Marks leave the archive alone, and an archived item can still be read.
        #expect(
            InboxMark.read.applied(to: InboxMarks(archivedAt: Self.t1), at: Self.t2)
                == InboxMarks(seenAt: Self.t2, readAt: Self.t2, archivedAt: Self.t1))
    }

    @Test("archive and unarchive touch only the archive time, never the receipts")
    func archive() {
        #expect(InboxMark.archive.applied(to: InboxMarks(), at: Self.t1) == InboxMarks(archivedAt: Self.t1))
        #expect(InboxMark.archive.applied(to: InboxMarks(archivedAt: Self.t1), at: Self.t2) == nil)
        #expect(InboxMark.unarchive.applied(to: InboxMarks(archivedAt: Self.t1), at: Self.t2) == InboxMarks())
        #expect(InboxMark.unarchive.applied(to: InboxMarks(seenAt: Self.t1), at: Self.t2) == nil)
        for marks in Self.allMarks {
            for mark in [InboxMark.archive, .unarchive] {
                let after = mark.applied(to: marks, at: Self.t2) ?? marks
                #expect(InboxMark.receipts(from: marks, to: after).isEmpty)
                #expect(after.seenAt == marks.seenAt && after.readAt == marks.readAt)
            }
        }
    }

    @Test("receipts: delivered when it became seen, read when it became read, in that order, once")
    func receipts() {
        #expect(InboxMark.receipts(from: InboxMarks(), to: InboxMarks(seenAt: Self.t1)) == [.delivered])
        #expect(InboxMark.receipts(from: InboxMarks(), to: InboxMarks(seenAt: Self.t1, readAt: Self.t1)) == [.delivered, .read])
        #expect(InboxMark.receipts(from: InboxMarks(seenAt: Self.t1), to: InboxMarks(seenAt: Self.t1, readAt: Self.t2)) == [.read])
        // Applying any mark twice implies receipts at most once.
        for marks in Self.allMarks {
            for mark in InboxMark.allCases {
                let once = mark.applied(to: marks, at: Self.t1) ?? marks
                let twice = mark.applied(to: once, at: Self.t2) ?? once
                #expect(InboxMark.receipts(from: once, to: twice).isEmpty)
                #expect(once == twice)
            }
        }
    }

    @Test("mark all touches exactly the items of the feed it changes (seen/read leave the archive alone)")
    func bulkCandidates() {
        // "Read but not seen" is left out: no mark makes it (read implies seen), and "read all"
        // rightly does not count a read item as unread.
        let reachable = Self.allMarks.filter { $0.readAt == nil || $0.seenAt != nil }
        for mark in InboxMark.allCases {
            for marks in reachable {
                let changes = mark.applied(to: marks, at: Self.t2) != nil
                let candidate = mark.bulkCandidates.selects(marks)
                if candidate { #expect(changes, "\(mark) all would select \(marks) without changing it") }
                if changes && !candidate {
                    #expect(marks.archivedAt != nil && (mark == .seen || mark == .read), "\(mark) all skips \(marks)")
                }
            }
        }
    }

    @Test("a change's receipt reports name its delivery, come from 'inbox', and have an event id per item and state")
    func receiptReports() {
        let change = InboxItemChange(
            itemID: "item-1", sequence: 3, deliveryID: "delivery-1", before: InboxMarks(),
            after: InboxMarks(seenAt: Self.t1, readAt: Self.t1))
        let reports = change.receiptReports(at: Self.t1)
        #expect(reports.map(\.state) == [.delivered, .read])
        #expect(reports.allSatisfy { $0.reference == .deliveryID("delivery-1") && $0.provider == "inbox" && $0.receivedAt == Self.t1 })
        #expect(Set(reports.compactMap(\.providerEventID)) == ["inbox-delivered-item-1", "inbox-read-item-1"])
    }
}

@Suite("inbox recipient keys")
struct InboxRecipientKeyTests {
    /// One rule for `to.id`, a token's `sub` and the feed's key: compared byte for byte, so white
    /// space is part of the key; at most 255 scalars keeps it far below PostgreSQL's 8,000-byte
    /// `NOTIFY` payload, which carries it.
    @Test("a key is 1–255 characters of text without control characters")
    func rule() {
        #expect(InboxRecipientKey.problem(with: "crm-10492") == nil)
        #expect(InboxRecipientKey.problem(with: "pengguna-ü-🎉") == nil)
        #expect(InboxRecipientKey.problem(with: String(repeating: "a", count: 255)) == nil)
        #expect(InboxRecipientKey.problem(with: String(repeating: "a", count: 256)) != nil)
        #expect(InboxRecipientKey.problem(with: String(repeating: "🎉", count: 255)) == nil)
        #expect(InboxRecipientKey.problem(with: "") != nil)
        #expect(InboxRecipientKey.problem(with: "crm\n1") != nil)
        #expect(InboxRecipientKey.problem(with: "crm\u{0}1") != nil)
        #expect(InboxRecipientKey.problem(with: "crm\u{85}1") != nil)
    }
}
