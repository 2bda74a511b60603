import AccoladeCore
@testable import AccoladeServer
import Foundation
import Testing

/// `GET /v1/inbox/items` writes its body straight to bytes; it must be byte for byte what the item
/// definition (`InboxJSON.item`, which the stream's events use) gives through `JSONValue`.
@Suite("Inbox feed: the page's JSON")
struct InboxJSONPageTests {
    static let created = Date(timeIntervalSince1970: 1_796_000_000.125)

    static func item(_ n: Int64, full: Bool) -> InboxItem {
        InboxItem(
            id: "0198f0a0-\(n)", recipientKey: "crm-10492", sequence: n, deliveryID: "d\(n)", messageID: "m\(n)",
            template: "reward-earned", locale: full ? "id-ID" : nil,
            title: full ? "🎉 \"Rp 50.000\" voucher\\ for Ana\n\t\u{1}" : "Kudos",
            body: full ? "Selamat! Kode: RW-7Q2K — berlaku s/d 31 Des" : nil,
            url: full ? "https://crm.example.com/rewards?id=7&x=\"y\"" : nil,
            imageToken: full ? "tok-\(n)" : nil, createdAt: created.addingTimeInterval(Double(n)),
            marks: full
                ? InboxMarks(seenAt: created.addingTimeInterval(60), readAt: created.addingTimeInterval(61.5), archivedAt: created.addingTimeInterval(62))
                : InboxMarks())
    }

    static func expected(_ page: InboxPage, publicURL: String) throws -> [UInt8] {
        let body: [String: JSONValue] = [
            "items": .array(page.items.map { InboxJSON.item($0, publicURL: publicURL) }),
            "next_cursor": page.nextCursor.map { .string(InboxCursor.encode($0)) } ?? .null,
        ]
        return try InboxJSON.adding(page.counts, to: body).jsonBytes()
    }

    @Test(
        "the same bytes as the JSONValue form: empty, absent parts, every part and mark, escapes, a cursor",
        arguments: [
            InboxPage(items: [], nextCursor: nil, counts: InboxCounts(unread: 0, unseen: 0)),
            InboxPage(items: [item(1, full: false)], nextCursor: nil, counts: InboxCounts(unread: 1, unseen: 1)),
            InboxPage(items: [item(3, full: true), item(2, full: false)], nextCursor: 2, counts: InboxCounts(unread: 12, unseen: 7)),
        ])
    func sameBytes(page: InboxPage) throws {
        for publicURL in ["http://127.0.0.1:8080", "https://rewards.example.com/base/"] {
            let written = InboxJSON.pageBytes(page, publicURL: publicURL)
            #expect(written == (try Self.expected(page, publicURL: publicURL)), "\(String(decoding: written, as: UTF8.self))")
            #expect((try? JSONValue(jsonBytes: written)) != nil)
        }
    }
}
