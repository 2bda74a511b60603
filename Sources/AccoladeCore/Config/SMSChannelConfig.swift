import Foundation
import Yams

/// `channels.sms`: the segment limit and the SMS gateways, tried in order (provider failover).
///
/// ```yaml
/// channels:
///   sms:
///     max_segments: 6
///     providers:
///       - name: gateway
///         type: kannel
///         sendsms_url: http://127.0.0.1:13013/cgi-bin/sendsms
///         username: tester
///         password: ${KANNEL_PASSWORD}
///         from: "12345"
///         rate_per_second: 100
///       - name: backup
///         type: twilio
///         account_sid: ${TWILIO_ACCOUNT_SID}
///         auth_token: ${TWILIO_AUTH_TOKEN}
///         from: "+15005550006"
/// ```
public struct SMSChannelConfig: Sendable, Hashable, CustomStringConvertible {
    /// Longest render accepted at `send` time, in segments.
    public var maxSegments: Int
    /// The gateways in failover order: the first healthy one takes each message. Providers whose
    /// credentials are empty are not here but in ``disabledProviders``.
    public var providers: [SMSProviderConfig]
    /// Listed providers left out because a credential is empty (an unset environment variable).
    public var disabledProviders: [DisabledProvider]

    /// Creates an SMS section.
    public init(maxSegments: Int = 6, providers: [SMSProviderConfig] = [], disabledProviders: [DisabledProvider] = []) {
        self.maxSegments = maxSegments
        self.providers = providers
        self.disabledProviders = disabledProviders
    }

    init(_ node: ConfigNode) throws(ConfigError) {
        maxSegments = try node.int("max_segments", in: 1...255) ?? 6
        let items = try node.children("providers")
        guard !items.isEmpty else {
            throw ConfigError(
                path: "channels.sms.providers",
                reason: "list at least one provider (type: kannel or twilio); remove channels.sms to turn SMS off")
        }
        var providers: [SMSProviderConfig] = []
        var disabled: [DisabledProvider] = []
        for (index, item) in items.enumerated() {
            let provider = try SMSProviderConfig(item, path: "channels.sms.providers[\(index)]")
            if providers.contains(where: { $0.name == provider.name }) || disabled.contains(where: { $0.provider == provider.name }) {
                throw ConfigError(path: "channels.sms.providers[\(index)].name", reason: "\"\(provider.name)\" is used twice; give each provider its own name")
            }
            if let missing = provider.missingCredential {
                disabled.append(missing)
            } else {
                providers.append(provider)
            }
        }
        self.providers = providers
        self.disabledProviders = disabled
        try node.rejectUnknownKeys()
    }

    /// The section with every secret masked.
    public var description: String {
        "sms(max_segments: \(maxSegments), providers: [\(providers.map(\.description).joined(separator: ", "))])"
    }
}

/// One SMS gateway under `channels.sms.providers`.
public struct SMSProviderConfig: Sendable, Hashable, CustomStringConvertible {
    /// The wire protocol and its settings.
    public enum Kind: Sendable, Hashable {
        /// Kannel's `sendsms` HTTP interface.
        case kannel(KannelProviderConfig)
        /// Twilio's Programmable Messaging REST API (or a compatible service).
        case twilio(TwilioProviderConfig)
    }

    /// The `type:` values.
    enum TypeName: String, CaseIterable {
        case kannel, twilio
    }

    /// Name recorded on every attempt (`gateway`, `backup`); unique within the list.
    public var name: String
    /// Protocol and protocol settings.
    public var kind: Kind
    /// Token-bucket rate in messages per second; `nil` means no local limit.
    public var ratePerSecond: Double?
    /// Time allowed to connect, seconds.
    public var connectTimeout: TimeInterval
    /// Time allowed for one whole request, seconds.
    public var timeout: TimeInterval
    /// `ca_file`: a PEM file of CA certificates trusted for an `https://` gateway (a private CA),
    /// in addition to the system's; checked at load.
    public var caFile: String?
    /// Where the entry sits in the configuration (`channels.sms.providers[0]`), for messages.
    var configPath: String
    /// Set when a credential the provider sends with is empty: the provider is then disabled.
    var missingCredential: DisabledProvider?

    /// Creates a provider entry.
    public init(
        name: String, kind: Kind, ratePerSecond: Double? = nil, connectTimeout: TimeInterval = 10, timeout: TimeInterval = 30,
        caFile: String? = nil
    ) {
        self.name = name
        self.kind = kind
        self.ratePerSecond = ratePerSecond
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.caFile = caFile
        self.configPath = "channels.sms.providers (\(name))"
        self.missingCredential = nil
    }

    init(_ node: ConfigNode, path: String) throws(ConfigError) {
        name = try node.requiredString("name")
        guard !name.isEmpty, name.count <= 64,
            name.unicodeScalars.allSatisfy({ ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "-" || $0 == "_" })
        else {
            throw ConfigError(path: "\(path).name", reason: "must be 1–64 letters, digits, - or _ (it names the provider in logs and metrics)")
        }
        guard let type = try node.choice("type", as: TypeName.self) else {
            throw ConfigError(path: "\(path).type", reason: "is required: kannel or twilio")
        }
        if let rate = try node.string("rate_per_second") {
            guard let value = Double(rate), value > 0, value <= 1_000_000 else {
                throw ConfigError(path: "\(path).rate_per_second", reason: "must be a positive number of messages per second, got \"\(rate)\"")
            }
            ratePerSecond = value
        } else {
            ratePerSecond = nil
        }
        connectTimeout = try node.duration("connect_timeout") ?? 10
        timeout = try node.duration("timeout") ?? 30
        guard connectTimeout > 0, timeout > 0 else {
            throw ConfigError(path: "\(path).timeout", reason: "timeouts must be positive durations like 10s")
        }
        caFile = try node.caFile("ca_file")
        switch type {
        case .kannel: kind = .kannel(try KannelProviderConfig(node, path: path))
        case .twilio: kind = .twilio(try TwilioProviderConfig(node, path: path))
        }
        try node.rejectUnknownKeys()
        configPath = path
        let credentials: [(key: String, value: String?)] = switch kind {
        case .kannel(let k): [("username", k.username), ("password", k.password)]
        case .twilio(let t): [("account_sid", t.accountSID), ("auth_token", t.authToken)]
        }
        missingCredential = DisabledProvider.firstMissing(credentials, node: node, channel: .sms, provider: name)
    }

    /// The entry with secrets masked.
    public var description: String {
        let rate = ratePerSecond.map { ", rate_per_second: \($0)" } ?? ""
        switch kind {
        case .kannel(let k): return "\(name)(\(k)\(rate))"
        case .twilio(let t): return "\(name)(\(t)\(rate))"
        }
    }
}

/// `type: kannel` settings.
public struct KannelProviderConfig: Sendable, Hashable, CustomStringConvertible {
    /// `http://host:13013/cgi-bin/sendsms`.
    public var sendsmsURL: String
    /// A `sendsms-user` name.
    public var username: String
    /// Its password (secret: never printed).
    public var password: String
    /// Sender; Kannel's `default-sender`/`global-sender` applies when absent.
    public var from: String?
    /// Which delivery reports to ask for (Kannel `dlr-mask`, 0–63; 0 turns them off).
    public var dlrMask: Int
    /// Key for the per-delivery DLR tokens (secret); derived from ``password`` when absent.
    public var dlrSecret: String?
    /// The `token` Kannel's `sms-service` `get-url` must carry for inbound messages (STOP/START)
    /// to be accepted at `/v1/webhooks/kannel/inbound` (secret). Inbound is refused without it.
    public var inboundToken: String?

    /// Creates Kannel settings.
    public init(
        sendsmsURL: String, username: String, password: String, from: String? = nil, dlrMask: Int = 31, dlrSecret: String? = nil,
        inboundToken: String? = nil
    ) {
        self.sendsmsURL = sendsmsURL
        self.username = username
        self.password = password
        self.from = from
        self.dlrMask = dlrMask
        self.dlrSecret = dlrSecret
        self.inboundToken = inboundToken
    }

    init(_ node: ConfigNode, path: String) throws(ConfigError) {
        sendsmsURL = try node.requiredString("sendsms_url")
        guard sendsmsURL.hasPrefix("http://") || sendsmsURL.hasPrefix("https://"), !sendsmsURL.contains("?") else {
            throw ConfigError(path: "\(path).sendsms_url", reason: "must be an http:// or https:// URL without a query, e.g. http://127.0.0.1:13013/cgi-bin/sendsms")
        }
        // Empty credentials disable the provider (see SMSProviderConfig.missingCredential).
        username = try node.string("username") ?? ""
        password = try node.string("password") ?? ""
        from = try node.string("from")
        dlrMask = try node.int("dlr_mask", in: 0...63) ?? 31
        dlrSecret = try node.string("dlr_secret")
        if let secret = dlrSecret, secret.utf8.count < 16 {
            throw ConfigError(path: "\(path).dlr_secret", reason: "must be at least 16 characters (it keys the unguessable DLR tokens)")
        }
        inboundToken = try node.string("inbound_token")
        if let token = inboundToken, token.utf8.count < 16 || !token.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) {
            throw ConfigError(
                path: "\(path).inbound_token",
                reason: "must be at least 16 letters, digits, - or _ (it goes into Kannel's get-url unescaped), e.g. from `openssl rand -hex 16`")
        }
    }

    /// The settings with the password and DLR secret masked.
    public var description: String {
        "kannel sendsms_url: \(sendsmsURL), username: \(username), password: ••••, from: \(from ?? "-"), dlr_mask: \(dlrMask)\(dlrSecret == nil ? "" : ", dlr_secret: ••••")\(inboundToken == nil ? "" : ", inbound_token: ••••")"
    }
}

/// `type: twilio` settings.
public struct TwilioProviderConfig: Sendable, Hashable, CustomStringConvertible {
    /// The public API; tests point ``baseURL`` at a loopback stand-in.
    public static let defaultBaseURL = "https://api.twilio.com"

    /// `AC…` account SID (basic-auth user and part of the path).
    public var accountSID: String
    /// Auth token (secret: never printed); also verifies `X-Twilio-Signature`.
    public var authToken: String
    /// Sender number or short code; exactly one of ``from`` and ``messagingServiceSID`` is set.
    public var from: String?
    /// `MG…` Messaging Service SID.
    public var messagingServiceSID: String?
    /// API origin without a trailing slash, default ``defaultBaseURL``.
    public var baseURL: String
    /// Whether to ask Twilio for status callbacks (`StatusCallback`).
    public var statusCallbacks: Bool

    /// Creates Twilio settings.
    public init(
        accountSID: String, authToken: String, from: String? = nil, messagingServiceSID: String? = nil,
        baseURL: String = TwilioProviderConfig.defaultBaseURL, statusCallbacks: Bool = true
    ) {
        self.accountSID = accountSID
        self.authToken = authToken
        self.from = from
        self.messagingServiceSID = messagingServiceSID
        self.baseURL = baseURL
        self.statusCallbacks = statusCallbacks
    }

    init(_ node: ConfigNode, path: String) throws(ConfigError) {
        // Empty credentials disable the provider (see SMSProviderConfig.missingCredential).
        accountSID = try node.string("account_sid") ?? ""
        guard accountSID.isEmpty || Self.isSID(accountSID, prefix: "AC") else {
            throw ConfigError(path: "\(path).account_sid", reason: "must be AC followed by 32 hex digits (Twilio console → Account Info)")
        }
        authToken = try node.string("auth_token") ?? ""
        from = try node.string("from")
        messagingServiceSID = try node.string("messaging_service_sid")
        switch (from, messagingServiceSID) {
        case (nil, nil):
            throw ConfigError(path: "\(path).from", reason: "set from (a Twilio number like +15005550006) or messaging_service_sid")
        case (_?, _?):
            throw ConfigError(path: "\(path).messaging_service_sid", reason: "set from or messaging_service_sid, not both")
        default: break
        }
        if let sid = messagingServiceSID, !Self.isSID(sid, prefix: "MG") {
            throw ConfigError(path: "\(path).messaging_service_sid", reason: "must be MG followed by 32 hex digits")
        }
        var base = try node.string("base_url") ?? Self.defaultBaseURL
        while base.hasSuffix("/") { base.removeLast() }
        guard base.hasPrefix("http://") || base.hasPrefix("https://"), !base.contains("?") else {
            throw ConfigError(path: "\(path).base_url", reason: "must be an http:// or https:// origin like https://api.twilio.com")
        }
        baseURL = base
        switch try node.string("status_callbacks")?.lowercased() {
        case nil, "true", "yes", "on": statusCallbacks = true
        case "false", "no", "off": statusCallbacks = false
        case let other?: throw ConfigError(path: "\(path).status_callbacks", reason: "must be true or false, got \"\(other)\"")
        }
    }

    static func isSID(_ value: String, prefix: String) -> Bool {
        value.hasPrefix(prefix) && value.utf8.count == 34 && value.utf8.dropFirst(2).allSatisfy { $0.isHexDigit }
    }

    /// The settings with the auth token masked.
    public var description: String {
        "twilio base_url: \(baseURL), account_sid: \(accountSID), auth_token: ••••, "
            + (from.map { "from: \($0)" } ?? "messaging_service_sid: \(messagingServiceSID ?? "-")")
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (0x30...0x39).contains(self) || (0x41...0x46).contains(self) || (0x61...0x66).contains(self)
    }
}
