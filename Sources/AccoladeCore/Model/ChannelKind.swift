/// The kinds of channel a message can be routed through.
///
/// A kind names *what* the recipient receives; each kind may have several providers
/// (for example SMS through Kannel, then Twilio) behind the ``Channel`` protocol.
public enum ChannelKind: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case email
    case sms
    case whatsapp
    case qr
    /// The recipient's in-app inbox feed (on screen), addressed by the recipient's id.
    case inbox

    /// The raw name, as used in configuration, the CLI and the API.
    public var description: String { rawValue }
}
