extension ChannelKind {
    /// Whether this channel's providers report that a message reached the handset or mailbox
    /// (SMS delivery reports, WhatsApp status callbacks). Email (SMTP accepts, nothing more)
    /// and QR (stored, not sent) never move past `sent`.
    public var reportsDelivered: Bool {
        switch self {
        case .sms, .whatsapp: true
        case .email, .qr: false
        }
    }

    /// Whether this channel can report that the recipient read the message: only WhatsApp, and
    /// only for users who have not switched read receipts off.
    public var reportsRead: Bool { self == .whatsapp }
}
