import Foundation

/// STARTTLS policy for `smtp://` URLs.
public enum StartTLSPolicy: String, Sendable, Hashable, CaseIterable {
    /// Plain text only (loopback relays).
    case never
    /// Upgrade when the server offers it.
    case opportunistic
    /// Refuse to send unless the session is encrypted.
    case required
}

/// `channels.email`.
public struct EmailChannelConfig: Sendable, Hashable, CustomStringConvertible {
    /// `From` header, e.g. `Acme Rewards <rewards@example.com>`.
    public var from: String
    /// Optional `Reply-To` address.
    public var replyTo: String?
    /// `smtp://host:port` or `smtps://host:port` (implicit TLS).
    public var url: String
    /// STARTTLS policy for `smtp://`.
    public var starttls: StartTLSPolicy
    /// SMTP AUTH user.
    public var username: String?
    /// SMTP AUTH password (secret: never printed).
    public var password: String?
    /// Connect timeout, seconds.
    public var connectTimeout: TimeInterval
    /// Whole-transfer timeout, seconds.
    public var timeout: TimeInterval
    /// Most simultaneous SMTP connections.
    public var maxConnections: Int
    /// `smtp.ca_file`: a PEM file of CA certificates trusted for the relay's certificate (a
    /// private CA), in addition to the system's; checked at load.
    public var caFile: String?
    /// Set when `username` is given but `password` is empty: the channel is then disabled rather
    /// than failing every delivery at AUTH.
    var missingCredential: DisabledProvider?

    init(_ node: ConfigNode) throws(ConfigError) {
        from = try node.requiredString("from")
        replyTo = try node.string("reply_to")
        let smtp = try node.child("smtp")
        url = try smtp.requiredString("url")
        guard url.hasPrefix("smtp://") || url.hasPrefix("smtps://") else {
            throw ConfigError(path: "channels.email.smtp.url", reason: "must start with smtp:// or smtps://")
        }
        starttls = try smtp.choice("starttls", as: StartTLSPolicy.self) ?? .opportunistic
        username = try smtp.string("username")
        password = try smtp.string("password")
        if username != nil {
            missingCredential = DisabledProvider.firstMissing(
                [("password", password)], node: smtp, channel: .email, provider: "smtp")
        }
        connectTimeout = try smtp.duration("connect_timeout") ?? 10
        timeout = try smtp.duration("timeout") ?? 60
        maxConnections = try smtp.int("max_connections", in: 1...1024) ?? 16
        caFile = try smtp.caFile("ca_file")
        try smtp.rejectUnknownKeys()
        try node.rejectUnknownKeys()
    }

    /// A description with the password masked.
    public var description: String {
        "email(from: \(from), url: \(url), starttls: \(starttls.rawValue), username: \(username ?? "-"), password: \(password == nil ? "-" : "••••"))"
    }
}
