import Foundation

/// What the inbox channel hands the worker on a successful attempt: the item's content, ready
/// to be written. The channel writes nothing itself; the worker turns the draft into a
/// ``NewInboxItem`` on the delivery's `sent` outcome (``DeliveryUpdate/inboxItem``), so the item
/// commits in the outcome transaction or not at all.
public struct InboxItemDraft: Sendable, Hashable {
    /// The item's id (also the receipt's provider message id, so the delivery log names it).
    public var id: String
    /// Whose feed: the recipient's id, already checked with ``InboxRecipientKey``.
    public var recipientKey: String
    /// The rendered title.
    public var title: String
    /// The rendered body, when any.
    public var body: String?
    /// The action link, when any.
    public var url: String?
    /// The token of the QR image the delivery drew, when the template has a QR part.
    public var imageToken: String?
    /// The locale it was rendered in.
    public var locale: String?

    /// Creates a draft.
    public init(
        id: String, recipientKey: String, title: String, body: String? = nil, url: String? = nil, imageToken: String? = nil,
        locale: String? = nil
    ) {
        self.id = id
        self.recipientKey = recipientKey
        self.title = title
        self.body = body
        self.url = url
        self.imageToken = imageToken
        self.locale = locale
    }

    /// The item to write for `deliveryID` of `messageID`, created at the outcome's time.
    public func item(deliveryID: String, messageID: String, template: String, createdAt: Date) -> NewInboxItem {
        NewInboxItem(
            id: id, recipientKey: recipientKey, deliveryID: deliveryID, messageID: messageID, template: template, locale: locale,
            title: title, body: body, url: url, imageToken: imageToken, createdAt: createdAt)
    }
}
