import Foundation

/// The `channels` section. A channel that is absent cannot be routed to.
public struct ChannelsConfig: Sendable {
    /// Email over SMTP, when configured.
    public var email: EmailChannelConfig?
    /// SMS through an ordered list of gateways, when configured.
    public var sms: SMSChannelConfig?
    /// QR codes (PNG/SVG kept under a directory and served over HTTP), when configured.
    public var qr: QRChannelConfig?
    /// WhatsApp through Meta's Business Cloud API, when configured.
    public var whatsapp: WhatsAppChannelConfig?

    /// Creates a channels section.
    public init(email: EmailChannelConfig?, sms: SMSChannelConfig? = nil, qr: QRChannelConfig? = nil, whatsapp: WhatsAppChannelConfig? = nil) {
        self.email = email
        self.sms = sms
        self.qr = qr
        self.whatsapp = whatsapp
    }

    init(_ node: ConfigNode) throws(ConfigError) {
        self.email = try node.optionalChild("email").map { n throws(ConfigError) in try EmailChannelConfig(n) }
        self.sms = try node.optionalChild("sms").map { n throws(ConfigError) in try SMSChannelConfig(n) }
        self.qr = try node.optionalChild("qr").map { n throws(ConfigError) in try QRChannelConfig(n) }
        self.whatsapp = try node.optionalChild("whatsapp").map { n throws(ConfigError) in try WhatsAppChannelConfig(n) }
        try node.rejectUnknownKeys()
    }
}
