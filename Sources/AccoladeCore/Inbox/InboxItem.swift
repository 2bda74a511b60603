import Foundation

/// One entry of a recipient's in-app inbox (the `inbox` channel's "message"), as the store keeps it.
///
/// An item is written in the transaction that records its delivery as `sent` (see
/// ``DeliveryUpdate/inboxItem``), so it is in the feed exactly when the delivery log says it was
/// sent. Its content is fixed at that moment; only the marks (seen, read, archived) change later.
public struct InboxItem: Sendable, Hashable, Codable {
    /// Time-sortable id (UUIDv7 text), what the feed routes name.
    public var id: String
    /// Whose feed it is in: the recipient's id (`to.id` in the API).
    public var recipientKey: String
    /// The item's place in its recipient's feed: 1, 2, 3 … with no gaps, assigned in the transaction
    /// that writes it, so sequences follow commit order per recipient (the SSE event id).
    public var sequence: Int64
    /// The delivery the item is the outcome of; receipts of seeing and reading it go there.
    public var deliveryID: String
    /// The delivery's message.
    public var messageID: String
    /// The template it was rendered from.
    public var template: String
    /// The locale it was rendered in (nil when the template has one locale only).
    public var locale: String?
    /// The rendered title (plain text).
    public var title: String
    /// The rendered body (plain text), when the template has one.
    public var body: String?
    /// The action link, when the template has one.
    public var url: String?
    /// The token of the QR image the delivery drew (the QR channel's stored artifact), when the
    /// template has a QR part: the image URL is derived from it, never stored.
    public var imageToken: String?
    /// When the item was written (the delivery's `sent` time).
    public var createdAt: Date
    /// What the recipient has done with it.
    public var marks: InboxMarks

    /// Creates an item.
    public init(
        id: String, recipientKey: String, sequence: Int64, deliveryID: String, messageID: String, template: String,
        locale: String?, title: String, body: String?, url: String?, imageToken: String?, createdAt: Date,
        marks: InboxMarks = InboxMarks()
    ) {
        self.id = id
        self.recipientKey = recipientKey
        self.sequence = sequence
        self.deliveryID = deliveryID
        self.messageID = messageID
        self.template = template
        self.locale = locale
        self.title = title
        self.body = body
        self.url = url
        self.imageToken = imageToken
        self.createdAt = createdAt
        self.marks = marks
    }

    /// When the item was first shown in an open panel (a `delivered` receipt).
    public var seenAt: Date? { marks.seenAt }
    /// When the item was opened or its action clicked (a `read` receipt).
    public var readAt: Date? { marks.readAt }
    /// When it was archived (hidden from the feed, kept).
    public var archivedAt: Date? { marks.archivedAt }
}

/// The marks of an item, the only part of it that changes after it is written.
public struct InboxMarks: Sendable, Hashable, Codable {
    /// When it was first seen.
    public var seenAt: Date?
    /// When it was first read.
    public var readAt: Date?
    /// When it was archived; nil when in the feed.
    public var archivedAt: Date?

    /// Creates marks (none by default: a new item).
    public init(seenAt: Date? = nil, readAt: Date? = nil, archivedAt: Date? = nil) {
        self.seenAt = seenAt
        self.readAt = readAt
        self.archivedAt = archivedAt
    }
}

/// An item to write: everything but what the store assigns (the sequence) and the marks (none yet).
///
/// The inbox channel makes one per delivery; it rides on the delivery's `sent` outcome
/// (``DeliveryUpdate/inboxItem``) so the item and the outcome commit together.
public struct NewInboxItem: Sendable, Hashable, Codable {
    /// Time-sortable id (UUIDv7 text).
    public var id: String
    /// Whose feed: the recipient's id.
    public var recipientKey: String
    /// The delivery it is the outcome of (one item per delivery: writing a second is a no-op).
    public var deliveryID: String
    /// The delivery's message.
    public var messageID: String
    /// The template it was rendered from.
    public var template: String
    /// The locale it was rendered in.
    public var locale: String?
    /// The rendered title.
    public var title: String
    /// The rendered body.
    public var body: String?
    /// The action link.
    public var url: String?
    /// The QR image token.
    public var imageToken: String?
    /// When it is written (the outcome's time).
    public var createdAt: Date

    /// Creates an item to write.
    public init(
        id: String, recipientKey: String, deliveryID: String, messageID: String, template: String, locale: String?,
        title: String, body: String?, url: String?, imageToken: String?, createdAt: Date
    ) {
        self.id = id
        self.recipientKey = recipientKey
        self.deliveryID = deliveryID
        self.messageID = messageID
        self.template = template
        self.locale = locale
        self.title = title
        self.body = body
        self.url = url
        self.imageToken = imageToken
        self.createdAt = createdAt
    }

    /// The stored item with its assigned `sequence` and no marks.
    public func stored(sequence: Int64) -> InboxItem {
        InboxItem(
            id: id, recipientKey: recipientKey, sequence: sequence, deliveryID: deliveryID, messageID: messageID,
            template: template, locale: locale, title: title, body: body, url: url, imageToken: imageToken,
            createdAt: createdAt)
    }
}
