import Foundation

/// STARTTLS policy for `smtp://` URLs.
public enum StartTLSPolicy: String, Sendable, Hashable, CaseIterable {
    /// Plain text only (loopback relays).
    case never
    /// Upgrade when the server offers it.
    case opportunistic
    /// Refuse to send unless the session is encrypted.
    case required

    /// The policy when `smtp.starttls` is not set: `required` for a relay across the network
    /// (nothing leaves in clear text because a server or a middlebox left STARTTLS out), and
    /// `opportunistic` for a relay on loopback, where there is no network to protect.
    public static func `default`(forURL url: String) -> StartTLSPolicy {
        EmailChannelConfig.isLoopback(url: url) ? .opportunistic : .required
    }
}

/// `channels.email`: the one description of the email channel's settings, read from the
/// configuration file or built in code, and handed to the SMTP channel as it is.
///
/// Every default lives here (and in the README's configuration section): `starttls` by host
/// (``StartTLSPolicy/default(forURL:)``), 10 s to connect, 60 s per send, 16 connections.
public struct EmailChannelConfig: Sendable, Hashable, CustomStringConvertible {
    /// Time allowed to connect (TCP and TLS) when `smtp.connect_timeout` is not set, seconds.
    public static let defaultConnectTimeout: TimeInterval = 10
    /// Time allowed for one whole send when `smtp.timeout` is not set, seconds.
    public static let defaultTimeout: TimeInterval = 60
    /// Simultaneous SMTP connections when `smtp.max_connections` is not set.
    public static let defaultMaxConnections = 16

    /// `From` header and envelope sender, e.g. `Acme Rewards <rewards@example.com>`.
    public var from: String
    /// Optional `Reply-To` mailbox, sent on every email.
    public var replyTo: String?
    /// `smtp://host:port` (optionally `/ehlo-name`) or `smtps://host:port` (implicit TLS).
    public var url: String
    /// STARTTLS policy for `smtp://` (`smtps://` is always encrypted and ignores it).
    public var starttls: StartTLSPolicy
    /// SMTP AUTH user.
    public var username: String?
    /// SMTP AUTH password (secret: never printed).
    public var password: String?
    /// Connect timeout, seconds.
    public var connectTimeout: TimeInterval
    /// Whole-transfer timeout, seconds.
    public var timeout: TimeInterval
    /// Most simultaneous SMTP connections; the libcurl pool is sized to hold them.
    public var maxConnections: Int
    /// `smtp.ca_file`: a PEM file of CA certificates trusted for the relay's certificate (a
    /// private CA), in addition to the system's; checked at load.
    public var caFile: String?
    /// `return_path`: the envelope sender with the delivery id in it (VERP,
    /// `bounces+{delivery_id}@example.com`), so bounces name their delivery; nil sends with
    /// ``from``'s address as the envelope sender.
    public var returnPath: ReturnPath?
    /// Set when `username` is given but `password` is empty: the channel is then disabled rather
    /// than failing every delivery at AUTH.
    var missingCredential: DisabledProvider?

    /// Settings built in code; `starttls: nil` picks the default for the URL's host.
    public init(
        from: String, replyTo: String? = nil, url: String, starttls: StartTLSPolicy? = nil, username: String? = nil,
        password: String? = nil, connectTimeout: TimeInterval = EmailChannelConfig.defaultConnectTimeout, timeout: TimeInterval = EmailChannelConfig.defaultTimeout,
        maxConnections: Int = EmailChannelConfig.defaultMaxConnections, caFile: String? = nil
    ) {
        self.from = from
        self.replyTo = replyTo
        self.url = url
        self.starttls = starttls ?? .default(forURL: url)
        self.username = username
        self.password = password
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.maxConnections = maxConnections
        self.caFile = caFile
    }

    init(_ node: ConfigNode) throws(ConfigError) {
        let from = try node.requiredString("from")
        let replyTo = try node.string("reply_to")
        let smtp = try node.child("smtp")
        let url = try smtp.requiredString("url")
        guard url.hasPrefix("smtp://") || url.hasPrefix("smtps://") else {
            throw ConfigError(path: "channels.email.smtp.url", reason: "must start with smtp:// or smtps://")
        }
        self.init(
            from: from, replyTo: replyTo, url: url,
            starttls: try smtp.choice("starttls", as: StartTLSPolicy.self),
            username: try smtp.string("username"), password: try smtp.string("password"),
            connectTimeout: try smtp.duration("connect_timeout") ?? Self.defaultConnectTimeout,
            timeout: try smtp.duration("timeout") ?? Self.defaultTimeout,
            maxConnections: try smtp.int("max_connections", in: 1...1024) ?? Self.defaultMaxConnections,
            caFile: try smtp.caFile("ca_file"))
        if let template = try node.string("return_path") {
            do {
                returnPath = try ReturnPath(template)
            } catch {
                throw ConfigError(path: node.path(of: "return_path"), reason: error.reason)
            }
        }
        if username != nil {
            missingCredential = DisabledProvider.firstMissing(
                [("password", password)], node: smtp, channel: .email, provider: "smtp")
        }
        try smtp.rejectUnknownKeys()
        try node.rejectUnknownKeys()
    }

    /// The relay's host name or address as written in ``url`` (`[::1]` keeps its brackets).
    public var host: String { Self.host(ofURL: url) }

    /// True when ``url`` names this machine: `localhost`, `127.0.0.0/8` or `[::1]`.
    public var isLoopback: Bool { Self.isLoopback(url: url) }

    static func isLoopback(url: String) -> Bool {
        let host = host(ofURL: url).lowercased()
        if host == "localhost" || host == "[::1]" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    static func host(ofURL url: String) -> String {
        var rest = Substring(url)
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        rest = rest.prefix { $0 != "/" }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") { return String(rest[...close]) }
        return String(rest.prefix { $0 != ":" })
    }

    /// A description with the password masked.
    public var description: String {
        "email(from: \(from), url: \(url), starttls: \(starttls.rawValue), username: \(username ?? "-"), password: \(password == nil ? "-" : "••••"))"
    }
}
