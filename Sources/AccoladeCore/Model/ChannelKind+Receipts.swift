extension ChannelKind {
    /// Whether this channel reports that a message reached the recipient: SMS delivery reports,
    /// WhatsApp status callbacks, and the inbox (an item marked seen records `delivered`). Email
    /// (SMTP accepts, nothing more) and QR (stored, not sent) never move past `sent`.
    public var reportsDelivered: Bool {
        switch self {
        case .sms, .whatsapp, .inbox: true
        case .email, .qr: false
        }
    }

    /// Whether this channel can report that the recipient read the message: WhatsApp (only for
    /// users who have not switched read receipts off) and the inbox (an item opened or its action
    /// clicked records `read`).
    public var reportsRead: Bool { self == .whatsapp || self == .inbox }
}
