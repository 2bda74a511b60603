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
    /// The in-app inbox (per-recipient feeds read by browsers), when configured with its secret.
    public var inbox: InboxChannelConfig?
    /// Why the inbox is off although `channels.inbox` is present (its secret is empty), e.g.
    /// `inbox is disabled: channels.inbox.signing_secret is empty (set ACCOLADE_INBOX_SECRET)`.
    /// ``disabledReason(_:)`` reports it for ``ChannelKind/inbox``; `serve` logs it once.
    public var inboxDisabledReason: String?
    /// Configured providers left out because a credential is empty (an unset environment
    /// variable). A channel whose every provider is here is absent above.
    public var disabledProviders: [DisabledProvider]
    /// `channels.<name>.quiet_hours` per channel (absent channels: ``QuietHoursSetting/inherit``).
    public var quietHours: [ChannelKind: QuietHoursSetting] = [:]

    /// The configured channel kinds, in ``ChannelKind`` order (what preferences are kept for).
    public var kindsInOrder: [ChannelKind] {
        ChannelKind.allCases.filter { kind in
            switch kind {
            case .email: email != nil
            case .sms: sms != nil
            case .qr: qr != nil
            case .whatsapp: whatsapp != nil
            case .inbox: inbox != nil
            }
        }
    }

    /// Creates a channels section.
    public init(
        email: EmailChannelConfig?, sms: SMSChannelConfig? = nil, qr: QRChannelConfig? = nil, whatsapp: WhatsAppChannelConfig? = nil,
        inbox: InboxChannelConfig? = nil, disabledProviders: [DisabledProvider] = []
    ) {
        self.email = email
        self.sms = sms
        self.qr = qr
        self.whatsapp = whatsapp
        self.inbox = inbox
        self.disabledProviders = disabledProviders
    }

    init(_ node: ConfigNode) throws(ConfigError) {
        var disabled: [DisabledProvider] = []
        var quiet: [ChannelKind: QuietHoursSetting] = [:]
        // `quiet_hours` is read here, before the channel's own parser, so every channel takes it
        // and each parser's check for unknown keys sees it as understood.
        func section(_ kind: ChannelKind) throws(ConfigError) -> ConfigNode? {
            guard let n = try node.optionalChild(kind.rawValue) else { return nil }
            quiet[kind] = try QuietHoursSetting.parse(n, key: "quiet_hours")
            return n
        }
        let email = try section(.email).map { n throws(ConfigError) in try EmailChannelConfig(n) }
        let sms = try section(.sms).map { n throws(ConfigError) in try SMSChannelConfig(n) }
        self.qr = try section(.qr).map { n throws(ConfigError) in try QRChannelConfig(n) }
        let whatsapp = try section(.whatsapp).map { n throws(ConfigError) in try WhatsAppChannelConfig(n) }
        let inbox = try section(.inbox).map { n throws(ConfigError) in try InboxChannelConfig.parse(n) }
        self.quietHours = quiet
        self.inbox = inbox?.config
        self.inboxDisabledReason = inbox?.disabled
        try node.rejectUnknownKeys()
        if let missing = email?.missingCredential { disabled.append(missing) }
        self.email = email?.missingCredential == nil ? email : nil
        disabled += sms?.disabledProviders ?? []
        self.sms = sms?.providers.isEmpty == false ? sms : nil
        if let missing = whatsapp?.missingCredential { disabled.append(missing) }
        self.whatsapp = whatsapp?.missingCredential == nil ? whatsapp : nil
        self.disabledProviders = disabled
    }

    /// The configured provider names per channel, disabled ones included (`smtp` for email,
    /// each SMS provider's `name`, `whatsapp`): what `costs:` may price.
    public var providerNames: [ChannelKind: [String]] {
        var names: [ChannelKind: [String]] = [:]
        if email != nil { names[.email, default: []].append("smtp") }
        for provider in sms?.providers ?? [] { names[.sms, default: []].append(provider.name) }
        if whatsapp != nil { names[.whatsapp, default: []].append("whatsapp") }
        for entry in disabledProviders where !(names[entry.channel] ?? []).contains(entry.provider) {
            names[entry.channel, default: []].append(entry.provider)
        }
        return names
    }

    /// Why `kind` has no provider here, when it was configured but every provider is disabled.
    public func disabledReason(_ kind: ChannelKind) -> String? {
        if kind == .inbox { return inbox == nil ? inboxDisabledReason : nil }
        let entries = disabledProviders.filter { $0.channel == kind }
        return entries.isEmpty ? nil : entries.map(\.description).joined(separator: "; ")
    }
}
