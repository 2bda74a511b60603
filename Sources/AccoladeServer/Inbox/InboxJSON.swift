import AccoladeCore
import Foundation

/// The JSON shapes of the inbox feed routes: what a widget renders.
enum InboxJSON {
    /// One item. Absent parts and marks are `null` (every key is always there, so a widget
    /// needs no existence checks); `image_url` is the QR image the delivery drew, at the server's
    /// public URL, so a page on another origin can load it.
    static func item(_ item: InboxItem, publicURL: String) -> JSONValue {
        .object([
            "id": .string(item.id),
            "sequence": .int(item.sequence),
            "message_id": .string(item.messageID),
            "template": .string(item.template),
            "locale": optional(item.locale),
            "title": .string(item.title),
            "body": optional(item.body),
            "url": optional(item.url),
            "image_url": optional(item.imageToken.map { PublicURL.join(publicURL, "/v1/qr/\($0).png") }),
            "created_at": .string(ISOTime.format(item.createdAt)),
            "seen_at": optional(item.seenAt.map(ISOTime.format)),
            "read_at": optional(item.readAt.map(ISOTime.format)),
            "archived_at": optional(item.archivedAt.map(ISOTime.format)),
        ])
    }

    /// `unread_count` and `unseen_count`, the badge numbers, added to `body`.
    static func adding(_ counts: InboxCounts, to body: [String: JSONValue]) -> JSONValue {
        var body = body
        body["unread_count"] = .int(Int64(counts.unread))
        body["unseen_count"] = .int(Int64(counts.unseen))
        return .object(body)
    }

    private static func optional(_ text: String?) -> JSONValue {
        text.map(JSONValue.string) ?? .null
    }
}
