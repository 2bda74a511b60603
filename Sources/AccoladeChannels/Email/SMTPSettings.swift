import AccoladeCore
import AccoladeCurl

/// How the email channel reaches its SMTP server.
///
/// `description` masks the password, so a settings value can be logged or printed safely.
public struct SMTPSettings: Sendable, Hashable, CustomStringConvertible {
    /// STARTTLS policy for `smtp://` URLs (`smtps://` is implicit TLS and ignores it): the
    /// configuration's own type, so settings and config cannot drift apart.
    public typealias StartTLS = StartTLSPolicy

    /// `smtp://host:port` (optionally `/ehlo-name`) or `smtps://host:port`.
    public var url: String
    /// STARTTLS policy.
    public var starttls: StartTLS
    /// SASL user name, when the server needs AUTH.
    public var username: String?
    /// SASL password; masked in ``description``.
    public var password: String?
    /// Sender mailbox, e.g. `Acme Rewards <rewards@example.com>`: `From` header and envelope.
    public var from: String
    /// Time allowed to connect (TCP and TLS).
    public var connectTimeout: Duration
    /// Time allowed for one whole send.
    public var timeout: Duration
    /// Connections to this server at most; give it to the driver as `maxConnectionsPerHost`.
    public var maxConnections: Int
    /// A PEM file of CA certificates trusted for the server's certificate (a private CA), in
    /// addition to the system's; nil trusts the system's only.
    public var caFile: String?

    /// Creates settings; call ``validated()`` before use.
    public init(
        url: String, starttls: StartTLS = .required, username: String? = nil, password: String? = nil, from: String,
        connectTimeout: Duration = .seconds(10), timeout: Duration = .seconds(60), maxConnections: Int = 8, caFile: String? = nil
    ) {
        self.url = url
        self.starttls = starttls
        self.username = username
        self.password = password
        self.from = from
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.maxConnections = maxConnections
        self.caFile = caFile
    }

    /// Checks every field and returns the parsed sender; errors name the `smtp.*` field to fix.
    public func validated() throws(ValidationError) -> EmailAddress {
        if EmailAddress.containsLineBreakOrNUL(url) || !(url.hasPrefix("smtp://") || url.hasPrefix("smtps://")) || url.count < 9 {
            throw ValidationError(field: "smtp.url", reason: "must look like smtp://host:587 or smtps://host:465")
        }
        for (field, value) in [("smtp.username", username), ("smtp.password", password), ("smtp.ca_file", caFile)] {
            if let value, EmailAddress.containsLineBreakOrNUL(value) {
                throw ValidationError(field: field, reason: "contains a line break or NUL")
            }
        }
        if password != nil, username == nil {
            throw ValidationError(field: "smtp.username", reason: "a password is set but no username; set both or neither")
        }
        guard connectTimeout > .zero, timeout > .zero else {
            throw ValidationError(field: "smtp.timeout", reason: "timeouts must be positive durations")
        }
        guard maxConnections >= 1 else {
            throw ValidationError(field: "smtp.maxConnections", reason: "must be at least 1")
        }
        return try EmailAddress.parse(from, field: "smtp.from")
    }

    /// True when credentials would cross the network unencrypted to a non-loopback host.
    public var sendsCredentialsInClear: Bool {
        guard username != nil, url.hasPrefix("smtp://"), starttls != .required else { return false }
        let host = url.dropFirst("smtp://".count).prefix { $0 != ":" && $0 != "/" }
        return !(host == "127.0.0.1" || host == "localhost" || host == "[::1]")
    }

    /// The settings with the password masked.
    public var description: String {
        let user = username.map { " username=\($0)" } ?? ""
        let secret = password == nil ? "" : " password=****"
        return "SMTPSettings(url=\(url) starttls=\(starttls.rawValue)\(user)\(secret) from=\(from) "
            + "connectTimeout=\(connectTimeout) timeout=\(timeout) maxConnections=\(maxConnections)\(caFile.map { " caFile=\($0)" } ?? ""))"
    }
}

extension StartTLSPolicy {
    /// The libcurl `CURLOPT_USE_SSL` level.
    public var tlsLevel: CurlTLSLevel {
        switch self {
        case .never: .none
        case .opportunistic: .opportunistic
        case .required: .required
        }
    }
}
