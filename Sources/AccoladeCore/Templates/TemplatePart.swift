/// One Mustache file of a template, e.g. `email.html.mustache`.
///
/// Adding a case here (and to ``TemplateLibrary``'s renderer) is all a new part needs: folders
/// are scanned for these file names.
public enum TemplatePart: String, Sendable, Hashable, CaseIterable, Comparable {
    /// `email.subject.mustache`: one line once rendered.
    case emailSubject = "email.subject"
    /// `email.txt.mustache`: the `text/plain` body.
    case emailText = "email.txt"
    /// `email.html.mustache`: the `text/html` body; values are HTML-escaped.
    case emailHTML = "email.html"
    /// `sms.txt.mustache`.
    case sms = "sms.txt"
    /// `whatsapp.txt.mustache`: a free-text WhatsApp body.
    case whatsapp = "whatsapp.txt"
    /// `qr.txt.mustache`: the QR payload, typically a redeem URL.
    case qr = "qr.txt"
    /// `inbox.title.mustache`: the inbox item's title, one line of plain text (required for `inbox`).
    case inboxTitle = "inbox.title"
    /// `inbox.body.mustache`: the inbox item's plain-text body (optional).
    case inboxBody = "inbox.body"
    /// `inbox.url.mustache`: the inbox item's action link, an http(s) URL (optional).
    case inboxURL = "inbox.url"

    /// The file name inside a template or locale folder.
    public var fileName: String { rawValue + ".mustache" }

    /// The channel the part belongs to.
    public var channel: ChannelKind {
        switch self {
        case .emailSubject, .emailText, .emailHTML: return .email
        case .sms: return .sms
        case .whatsapp: return .whatsapp
        case .qr: return .qr
        case .inboxTitle, .inboxBody, .inboxURL: return .inbox
        }
    }

    /// Whether rendered values are HTML-escaped (and unescaped tags forbidden).
    public var isHTML: Bool { self == .emailHTML }

    /// Whether the output is trimmed and must be a single line (subjects, SMS, QR payloads).
    var isSingleValue: Bool { self != .emailText && self != .emailHTML && self != .inboxBody }

    /// The parts a channel needs, in rendering order.
    public static func parts(for channel: ChannelKind) -> [TemplatePart] {
        switch channel {
        case .email: return [.emailSubject, .emailText, .emailHTML]
        case .sms: return [.sms]
        case .whatsapp: return [.whatsapp]
        case .qr: return [.qr]
        case .inbox: return [.inboxTitle]
        }
    }

    /// The parts a channel uses when the template has them (the inbox body and action link).
    public static func optionalParts(for channel: ChannelKind) -> [TemplatePart] {
        channel == .inbox ? [.inboxBody, .inboxURL] : []
    }

    /// The part stored in `fileName`, if any.
    public init?(fileName: String) {
        guard fileName.hasSuffix(".mustache") else { return nil }
        self.init(rawValue: String(fileName.dropLast(".mustache".count)))
    }

    /// Orders parts as declared (subject, text, HTML, SMS, …).
    public static func < (lhs: TemplatePart, rhs: TemplatePart) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
