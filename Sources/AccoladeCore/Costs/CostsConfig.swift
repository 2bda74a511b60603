/// `costs:` — what a provider charges, so every accepted attempt records its cost.
///
/// ```yaml
/// costs:
///   currency: USD
///   email: { smtp: 0.0004 }                        # per message, by provider name
///   sms:
///     twilio: { default: 0.0079, "+62": 0.0415 }   # per segment, longest E.164 prefix wins
///   whatsapp:
///     whatsapp: { utility: { default: 0.004, "+62": 0.0252 }, marketing: { default: 0.025 } }
/// ```
/// Prices are non-negative decimals with at most six decimal places, kept as integer micros.
/// Provider names are the configured ones (`smtp` for email, an SMS provider's `name`,
/// `whatsapp`); WhatsApp prices are per template category (`whatsapp.category` in the template
/// manifest: `utility`, `marketing`, `authentication`, `service`). Absent: nothing is priced.
public struct CostsConfig: Sendable, Hashable {
    /// `currency:` (ISO 4217), required when any price is set.
    public var currency: String?
    /// `email:` price per message by provider name, in micros.
    public var email: [String: Int64] = [:]
    /// `sms:` prices per segment by provider name.
    public var sms: [String: PrefixPrices] = [:]
    /// `whatsapp:` prices per message by provider name, then template category.
    public var whatsapp: [String: [String: PrefixPrices]] = [:]

    /// The WhatsApp pricing categories Meta bills by.
    public static let whatsappCategories = ["authentication", "marketing", "service", "utility"]

    /// Creates a configuration (tests; files go through the parser).
    public init(
        currency: String? = nil, email: [String: Int64] = [:], sms: [String: PrefixPrices] = [:],
        whatsapp: [String: [String: PrefixPrices]] = [:]
    ) {
        self.currency = currency
        self.email = email
        self.sms = sms
        self.whatsapp = whatsapp
    }

    /// Whether no price is configured.
    public var isEmpty: Bool { email.isEmpty && sms.isEmpty && whatsapp.isEmpty }

    init(_ node: ConfigNode) throws(ConfigError) {
        if let code = try node.string("currency") {
            guard code.utf8.count == 3, code.utf8.allSatisfy({ $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else {
                throw ConfigError(path: node.path(of: "currency"), reason: "must be an ISO 4217 code in capitals like USD, EUR or IDR, got \"\(code.prefix(20))\"")
            }
            currency = code
        }
        let email = try node.child("email")
        for provider in email.keys.sorted() { self.email[provider] = try Self.price(email, key: provider) }
        try email.rejectUnknownKeys()
        let sms = try node.child("sms")
        for provider in sms.keys.sorted() { self.sms[provider] = try PrefixPrices(sms.child(provider)) }
        try sms.rejectUnknownKeys()
        let whatsapp = try node.child("whatsapp")
        for provider in whatsapp.keys.sorted() {
            let categories = try whatsapp.child(provider)
            var table: [String: PrefixPrices] = [:]
            for category in categories.keys.sorted() {
                guard Self.whatsappCategories.contains(category) else {
                    throw ConfigError(
                        path: categories.path(of: category),
                        reason: "unknown WhatsApp pricing category; use \(Self.whatsappCategories.joined(separator: ", "))")
                }
                table[category] = try PrefixPrices(categories.child(category))
            }
            try categories.rejectUnknownKeys()
            self.whatsapp[provider] = table
        }
        try whatsapp.rejectUnknownKeys()
        try node.rejectUnknownKeys()
        if currency == nil, !isEmpty {
            throw ConfigError(path: node.path(of: "currency"), reason: "is required when prices are set (an ISO 4217 code like USD)")
        }
    }

    /// A price at `key`: a non-negative decimal with at most six decimal places, in micros.
    static func price(_ node: ConfigNode, key: String) throws(ConfigError) -> Int64 {
        guard !node.isMapping(key) else {
            throw ConfigError(path: node.path(of: key), reason: "expected a price like 0.0079, found a mapping")
        }
        guard let text = try node.string(key) else { throw ConfigError(path: node.path(of: key), reason: "is empty; write a price like 0.0079") }
        guard let micros = MicroMoney.parseMicros(text) else {
            throw ConfigError(
                path: node.path(of: key),
                reason: "expected a price like 0.0079 (a non-negative decimal with at most six decimal places), got \"\(text.prefix(40))\"")
        }
        return micros
    }

    /// Fails on a price for a provider the configuration does not have: `configured` lists the
    /// provider names per channel (disabled ones included: their secrets may be set elsewhere).
    public func checkProviders(_ configured: [ChannelKind: [String]]) throws(ConfigError) {
        func check(_ names: some Sequence<String>, _ kind: ChannelKind) throws(ConfigError) {
            let known = configured[kind] ?? []
            for name in names.sorted() where !known.contains(name) {
                let list = known.isEmpty ? "no \(kind) provider is configured" : "configured: \(known.joined(separator: ", "))"
                throw ConfigError(path: "costs.\(kind.rawValue).\(name)", reason: "no \(kind) provider is named \"\(name.prefix(40))\" (\(list))")
            }
        }
        try check(email.keys, .email)
        try check(sms.keys, .sms)
        try check(whatsapp.keys, .whatsapp)
    }
}

/// `reports:` — how reports group messages.
public struct ReportsConfig: Sendable, Hashable {
    /// `programme_path:` — the data path holding a message's programme (default `program`); a
    /// message without it is reported under its template's name.
    public var programmePath: String = "program"

    /// `dashboard_secret:` — the key that signs dashboard links (`POST /v1/reports/tokens`), at
    /// least 32 bytes (secret: never printed). Nil: the links are signed with a key derived from
    /// `server.tokens` (see ``DashboardTokenSigner/derived(fromAPITokens:)``).
    public var dashboardSecret: String?

    /// The defaults.
    public init(programmePath: String = "program", dashboardSecret: String? = nil) {
        self.programmePath = programmePath
        self.dashboardSecret = dashboardSecret
    }

    init(_ node: ConfigNode) throws(ConfigError) {
        // Empty (an unset `${VARIABLE}`) is "not set": links fall back to the derived key.
        if let secret = try node.string("dashboard_secret"), !secret.isEmpty {
            guard secret.utf8.count >= InboxTokenSigner.minimumSecretBytes else {
                throw ConfigError(
                    path: node.path(of: "dashboard_secret"),
                    reason: "must be at least \(InboxTokenSigner.minimumSecretBytes) bytes (it signs dashboard links; a short one can be guessed), e.g. from `openssl rand -base64 48`")
            }
            dashboardSecret = secret
        }
        if let path = try node.string("programme_path") {
            let segments = path.split(separator: ".", omittingEmptySubsequences: false)
            guard !segments.isEmpty, path.count <= 200,
                segments.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" } })
            else {
                throw ConfigError(path: node.path(of: "programme_path"), reason: "must be a dotted data path like program or campaign.name, got \"\(path.prefix(40))\"")
            }
            programmePath = path
        }
        try node.rejectUnknownKeys()
    }
}
