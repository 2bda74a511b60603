import AccoladeCore
import Foundation

extension InboxJSON {
    /// The body of `GET /v1/inbox/items` written straight to bytes: exactly the text of
    /// `adding(page.counts, to: ["items": …item(…), "next_cursor": …]).jsonBytes()` (compact, keys
    /// sorted), without a dictionary per item whose keys are hashed and sorted again for every
    /// answer — on the feed's hottest route that was a sixth of the server's time per request.
    /// ``item(_:publicURL:)`` stays the definition (the stream's events use it); a test holds the
    /// two to the same bytes.
    static func pageBytes(_ page: InboxPage, publicURL: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(80 + page.items.count * 480)
        out.append(contentsOf: #"{"items":["#.utf8)
        for (index, item) in page.items.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            write(item, publicURL: publicURL, into: &out)
        }
        out.append(contentsOf: #"],"next_cursor":"#.utf8)
        optional(page.nextCursor.map(InboxCursor.encode), into: &out)
        out.append(contentsOf: #","unread_count":"#.utf8)
        out.append(contentsOf: String(page.counts.unread).utf8)
        out.append(contentsOf: #","unseen_count":"#.utf8)
        out.append(contentsOf: String(page.counts.unseen).utf8)
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// One item, its keys in the sorted order ``JSONValue/jsonBytes()`` writes.
    private static func write(_ item: InboxItem, publicURL: String, into out: inout [UInt8]) {
        out.append(contentsOf: #"{"archived_at":"#.utf8)
        optional(item.archivedAt.map(ISOTime.format), into: &out)
        out.append(contentsOf: #","body":"#.utf8)
        optional(item.body, into: &out)
        out.append(contentsOf: #","created_at":"#.utf8)
        JSONValue.appendJSONString(ISOTime.format(item.createdAt), to: &out)
        out.append(contentsOf: #","id":"#.utf8)
        JSONValue.appendJSONString(item.id, to: &out)
        out.append(contentsOf: #","image_url":"#.utf8)
        optional(item.imageToken.map { PublicURL.join(publicURL, "/v1/qr/\($0).png") }, into: &out)
        out.append(contentsOf: #","locale":"#.utf8)
        optional(item.locale, into: &out)
        out.append(contentsOf: #","message_id":"#.utf8)
        JSONValue.appendJSONString(item.messageID, to: &out)
        out.append(contentsOf: #","read_at":"#.utf8)
        optional(item.readAt.map(ISOTime.format), into: &out)
        out.append(contentsOf: #","seen_at":"#.utf8)
        optional(item.seenAt.map(ISOTime.format), into: &out)
        out.append(contentsOf: #","sequence":"#.utf8)
        out.append(contentsOf: String(item.sequence).utf8)
        out.append(contentsOf: #","template":"#.utf8)
        JSONValue.appendJSONString(item.template, to: &out)
        out.append(contentsOf: #","title":"#.utf8)
        JSONValue.appendJSONString(item.title, to: &out)
        out.append(contentsOf: #","url":"#.utf8)
        optional(item.url, into: &out)
        out.append(UInt8(ascii: "}"))
    }

    private static func optional(_ text: String?, into out: inout [UInt8]) {
        if let text { JSONValue.appendJSONString(text, to: &out) } else { out.append(contentsOf: "null".utf8) }
    }
}
