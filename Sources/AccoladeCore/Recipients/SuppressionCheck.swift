/// What is known about a delivery's recipient and the suppression list when it is attempted.
///
/// Stores look suppressions up for a whole claimed batch in one query, so channels need not ask
/// once per delivery; a request built elsewhere (tests, previews) says `unknown` and the channel
/// asks its ``SuppressionList`` itself.
public enum SuppressionCheck: Sendable, Hashable {
    /// Not looked up: the channel must ask its list.
    case unknown
    /// Looked up when the delivery was claimed: the address may be contacted.
    case clear
    /// Looked up when the delivery was claimed: the address is suppressed.
    case suppressed(Suppression)

    /// The entry that stops this delivery, asking `list` only when nothing was looked up yet.
    public func resolve(channel: ChannelKind, address: String, list: (any SuppressionList)?) async throws -> Suppression? {
        switch self {
        case .clear: return nil
        case .suppressed(let entry): return entry
        case .unknown: return try await list?.suppression(channel: channel, address: address)
        }
    }
}

extension Recipient {
    /// The address suppression entries use for `channel`: the E.164 number for SMS and WhatsApp,
    /// the lower-cased email address for email; nil for channels without one (QR).
    public func suppressionAddress(for channel: ChannelKind) -> String? {
        switch channel {
        case .sms: phone
        case .whatsapp: whatsapp
        case .email: email?.lowercased()
        case .qr: nil
        }
    }
}
