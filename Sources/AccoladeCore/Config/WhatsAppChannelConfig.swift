import Foundation

/// `channels.whatsapp`: the WhatsApp Business Cloud API (Meta's Graph API) for one business number.
///
/// ```yaml
/// channels:
///   whatsapp:
///     api_base: https://graph.facebook.com      # tests point it at 127.0.0.1
///     api_version: v23.0
///     phone_number_id: "106540352242922"
///     access_token: ${WHATSAPP_TOKEN}
///     app_secret: ${WHATSAPP_APP_SECRET}         # verifies X-Hub-Signature-256 on webhooks
///     verify_token: ${WHATSAPP_VERIFY_TOKEN}     # answers the webhook subscription handshake
///     rate_per_second: 80
///     media: link                                # link | upload
/// ```
public struct WhatsAppChannelConfig: Sendable, Hashable, CustomStringConvertible {
    /// How the QR image reaches Meta for an image header.
    public enum MediaMode: String, Sendable, Hashable, CaseIterable {
        /// Send the QR image's public URL (`server.public_url` must be reachable from the internet).
        case link
        /// Upload the PNG to `/{version}/{phone_number_id}/media` and send the returned media id.
        case upload
    }

    /// Meta's Graph API origin.
    public static let defaultAPIBase = "https://graph.facebook.com"
    /// The Graph version pinned by default; Graph versions expire, so pin one in configuration.
    public static let defaultAPIVersion = "v23.0"
    /// Meta's default throughput for a business number (messages per second).
    public static let defaultRatePerSecond: Double = 80

    /// API origin without a trailing slash.
    public var apiBase: String
    /// `vNN.N`.
    public var apiVersion: String
    /// The numeric id of the business phone number (not the number itself).
    public var phoneNumberID: String
    /// System-user or app access token (secret: never printed).
    public var accessToken: String
    /// App secret keying `X-Hub-Signature-256` (secret); webhook POSTs are refused without it.
    public var appSecret: String?
    /// The token Meta echoes in the subscription handshake (secret); handshakes are refused without it.
    public var verifyToken: String?
    /// Local token-bucket rate, messages per second; halved while Meta throttles (130429, 80007, 4).
    public var ratePerSecond: Double
    /// How image headers carry the QR code.
    public var media: MediaMode
    /// Time allowed to connect, seconds.
    public var connectTimeout: TimeInterval
    /// Time allowed for one whole request, seconds.
    public var timeout: TimeInterval
    /// `ca_file`: a PEM file of CA certificates trusted for ``apiBase`` (a private CA, e.g. of an
    /// internal proxy), in addition to the system's; checked at load.
    public var caFile: String?
    /// Set when `access_token` is empty: the channel is then disabled (see ``ChannelsConfig/disabledProviders``).
    var missingCredential: DisabledProvider?

    /// Webhook secrets shorter than this are refused: they key signatures anyone could otherwise guess.
    public static let minimumSecretBytes = 16

    /// Creates a WhatsApp section.
    public init(
        apiBase: String = WhatsAppChannelConfig.defaultAPIBase, apiVersion: String = WhatsAppChannelConfig.defaultAPIVersion,
        phoneNumberID: String, accessToken: String, appSecret: String? = nil, verifyToken: String? = nil,
        ratePerSecond: Double = WhatsAppChannelConfig.defaultRatePerSecond, media: MediaMode = .link,
        connectTimeout: TimeInterval = 10, timeout: TimeInterval = 30, caFile: String? = nil
    ) {
        self.apiBase = apiBase
        self.apiVersion = apiVersion
        self.phoneNumberID = phoneNumberID
        self.accessToken = accessToken
        self.appSecret = appSecret
        self.verifyToken = verifyToken
        self.ratePerSecond = ratePerSecond
        self.media = media
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.caFile = caFile
        self.missingCredential = nil
    }

    init(_ node: ConfigNode) throws(ConfigError) {
        let path = "channels.whatsapp"
        var base = try node.string("api_base") ?? Self.defaultAPIBase
        while base.hasSuffix("/") { base.removeLast() }
        guard base.hasPrefix("http://") || base.hasPrefix("https://"), !base.contains("?"),
            base.split(separator: "/", omittingEmptySubsequences: true).count == 2
        else {
            throw ConfigError(path: "\(path).api_base", reason: "must be an http:// or https:// origin without a path, like https://graph.facebook.com")
        }
        apiBase = base
        apiVersion = try node.string("api_version") ?? Self.defaultAPIVersion
        guard Self.isVersion(apiVersion) else {
            throw ConfigError(path: "\(path).api_version", reason: "must look like v23.0 (the Graph API version to pin), got \"\(apiVersion)\"")
        }
        phoneNumberID = try node.requiredString("phone_number_id")
        guard (5...20).contains(phoneNumberID.utf8.count), phoneNumberID.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw ConfigError(
                path: "\(path).phone_number_id",
                reason: "must be the numeric phone number ID from WhatsApp Manager → API Setup (digits only, not the phone number itself); quote it in YAML")
        }
        accessToken = try node.string("access_token") ?? ""
        missingCredential = DisabledProvider.firstMissing(
            [("access_token", accessToken)], node: node, channel: .whatsapp, provider: "whatsapp")
        appSecret = try node.string("app_secret")
        verifyToken = try node.string("verify_token")
        for (key, value) in [("app_secret", appSecret), ("verify_token", verifyToken)] {
            if let value, value.utf8.count < Self.minimumSecretBytes {
                throw ConfigError(
                    path: "\(path).\(key)",
                    reason: "must be at least \(Self.minimumSecretBytes) bytes (it authenticates webhooks; a short one can be guessed), e.g. from `openssl rand -hex 16`; leave it unset to turn that webhook off")
            }
        }
        if let rate = try node.string("rate_per_second") {
            guard let value = Double(rate), value > 0, value <= 1_000_000 else {
                throw ConfigError(path: "\(path).rate_per_second", reason: "must be a positive number of messages per second, got \"\(rate)\"")
            }
            ratePerSecond = value
        } else {
            ratePerSecond = Self.defaultRatePerSecond
        }
        media = try node.choice("media", as: MediaMode.self) ?? .link
        connectTimeout = try node.duration("connect_timeout") ?? 10
        timeout = try node.duration("timeout") ?? 30
        guard connectTimeout > 0, timeout > 0 else {
            throw ConfigError(path: "\(path).timeout", reason: "timeouts must be positive durations like 10s")
        }
        caFile = try node.caFile("ca_file")
        try node.rejectUnknownKeys()
    }

    /// `/{version}/{phone_number_id}/messages` on ``apiBase``.
    public var messagesURL: String { "\(apiBase)/\(apiVersion)/\(phoneNumberID)/messages" }
    /// `/{version}/{phone_number_id}/media` on ``apiBase``.
    public var mediaURL: String { "\(apiBase)/\(apiVersion)/\(phoneNumberID)/media" }

    static func isVersion(_ text: String) -> Bool {
        let parts = text.dropFirst().split(separator: ".", omittingEmptySubsequences: false)
        return text.hasPrefix("v") && parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isASCIIDigit) }
    }

    /// The section with every secret masked.
    public var description: String {
        "whatsapp(api_base: \(apiBase), api_version: \(apiVersion), phone_number_id: \(phoneNumberID), access_token: ••••, "
            + "app_secret: \(appSecret == nil ? "-" : "••••"), verify_token: \(verifyToken == nil ? "-" : "••••"), "
            + "rate_per_second: \(ratePerSecond), media: \(media.rawValue))"
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
