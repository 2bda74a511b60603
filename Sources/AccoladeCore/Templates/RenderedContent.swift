/// What a template renders into for one channel: the exact parts a provider will carry.
public enum RenderedContent: Sendable, Hashable {
    /// An email: subject, plain-text body and HTML body (values in HTML already escaped).
    case email(RenderedEmail)
    /// An SMS body (before encoding into GSM-7 or UCS-2).
    case sms(text: String)
    /// A WhatsApp free-text body.
    case whatsapp(text: String)
    /// An approved WhatsApp template, plus the free-text body when the template also has a
    /// `whatsapp.txt` part (sent instead inside the 24-hour customer-service window).
    case whatsappTemplate(WhatsAppTemplateMessage, text: String?)
    /// A QR payload (typically a redeem URL).
    case qr(payload: String)
    /// An in-app inbox item: title, optional body and action link, and the message's QR
    /// payload when the template has a `qr.txt` part (the item shows that code).
    case inbox(RenderedInbox)
}

/// The rendered parts of an inbox item (all plain text).
public struct RenderedInbox: Sendable, Hashable {
    /// The title, one line.
    public var title: String
    /// The body, when the template has an `inbox.body` part that rendered non-empty.
    public var body: String?
    /// The action link, when the template has an `inbox.url` part that rendered non-empty.
    public var url: String?
    /// The template's `qr.txt` payload, when it has one: the inbox delivery draws that code.
    public var qrPayload: String?
    /// The locale the item was rendered in (canonical, e.g. `id`).
    public var locale: String

    /// Creates rendered inbox content.
    public init(title: String, body: String? = nil, url: String? = nil, qrPayload: String? = nil, locale: String) {
        self.title = title
        self.body = body
        self.url = url
        self.qrPayload = qrPayload
        self.locale = locale
    }
}

/// The three rendered parts of an email.
public struct RenderedEmail: Sendable, Hashable {
    /// The subject line; a single line, not yet RFC 2047 encoded.
    public var subject: String
    /// The `text/plain` body.
    public var text: String
    /// The `text/html` body.
    public var html: String

    /// Creates an email from its rendered parts.
    public init(subject: String, text: String, html: String) {
        self.subject = subject
        self.text = text
        self.html = html
    }
}
