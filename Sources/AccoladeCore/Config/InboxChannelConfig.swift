import Foundation

/// `channels.inbox`: the in-app inbox — rewards shown inside the caller's own web app, read by a
/// browser with a short-lived per-recipient token instead of an API token.
///
/// ```yaml
/// channels:
///   inbox:
///     signing_secret: ${ACCOLADE_INBOX_SECRET}     # 32+ bytes; signs the browser tokens (HS256 JWT)
///     allowed_origins: [ "https://crm.example.com" ]
///     max_streams: 10000
///     page_cache_mb: 32
/// ```
///
/// The channel exists only when this section is present and its secret set: without it nothing
/// routes to the inbox and no `/v1/inbox` route is mounted.
public struct InboxChannelConfig: Sendable, Hashable, CustomStringConvertible {
    /// The default of ``maxStreams``.
    public static let defaultMaxStreams = 10_000
    /// The default of ``pageCacheMegabytes``: about 4,000 pages of 20 items.
    public static let defaultPageCacheMegabytes = 32

    /// Key of the HMAC that signs inbox tokens (secret: never printed). A CRM backend that mints
    /// tokens itself holds the same value.
    public var signingSecret: String
    /// Web origins (`https://crm.example.com`, `http://localhost:3000`) whose pages may call the
    /// feed routes from a browser (CORS), normalised: lower case, no default port, no trailing slash.
    public var allowedOrigins: [String]
    /// Most event streams (`GET /v1/inbox/stream`) open at once on one server; more are refused
    /// with `503` and `Retry-After`.
    public var maxStreams: Int
    /// Memory (MiB) one server may keep rendered feed pages in, each answered again from memory
    /// while its recipient's feed version is unchanged; 0 turns the cache off.
    public var pageCacheMegabytes: Int

    /// Creates the section.
    public init(
        signingSecret: String, allowedOrigins: [String] = [], maxStreams: Int = InboxChannelConfig.defaultMaxStreams,
        pageCacheMegabytes: Int = InboxChannelConfig.defaultPageCacheMegabytes
    ) {
        self.signingSecret = signingSecret
        self.allowedOrigins = allowedOrigins
        self.maxStreams = maxStreams
        self.pageCacheMegabytes = pageCacheMegabytes
    }

    /// Reads the section; `nil` with the reason when the secret is empty (an unset variable).
    static func parse(_ node: ConfigNode) throws(ConfigError) -> (config: InboxChannelConfig?, disabled: String?) {
        let secret = try node.string("signing_secret")
        var origins: [String] = []
        for (index, origin) in (try node.strings("allowed_origins") ?? []).enumerated() {
            let key = "\(node.path(of: "allowed_origins"))[\(index)]"
            guard let normalised = Self.normaliseOrigin(origin) else {
                throw ConfigError(
                    path: key,
                    reason: origin == "*"
                        ? "a wildcard is not allowed: list each web origin whose pages show the inbox, e.g. https://crm.example.com"
                        : "must be a web origin: http:// or https://, a host and an optional port, no path (e.g. https://crm.example.com), got \"\(origin.prefix(80))\"")
            }
            if !origins.contains(normalised) { origins.append(normalised) }
        }
        let maxStreams = try node.int("max_streams", in: 1...1_000_000) ?? Self.defaultMaxStreams
        let pageCache = try node.int("page_cache_mb", in: 0...65_536) ?? Self.defaultPageCacheMegabytes
        try node.rejectUnknownKeys()
        guard let secret else {
            let variables = node.unsetVariables("signing_secret")
            let fix = variables.isEmpty ? "set it" : "set \(variables.joined(separator: " and "))"
            return (nil, "inbox is disabled: \(node.path(of: "signing_secret")) is empty (\(fix))")
        }
        guard secret.utf8.count >= InboxTokenSigner.minimumSecretBytes else {
            throw ConfigError(
                path: node.path(of: "signing_secret"),
                reason: "must be at least \(InboxTokenSigner.minimumSecretBytes) bytes (it signs browser tokens; a short one can be guessed), e.g. from `openssl rand -base64 48`")
        }
        return (InboxChannelConfig(signingSecret: secret, allowedOrigins: origins, maxStreams: maxStreams, pageCacheMegabytes: pageCache), nil)
    }

    /// `scheme://host[:port]` in the form browsers send in `Origin` (lower case, default port
    /// left out), or `nil` when `text` is not an http(s) origin. A trailing `/` is tolerated.
    public static func normaliseOrigin(_ text: String) -> String? {
        var rest = Substring(text.lowercased())
        let scheme: String
        if rest.hasPrefix("https://") {
            scheme = "https"
        } else if rest.hasPrefix("http://") {
            scheme = "http"
        } else {
            return nil
        }
        rest = rest.dropFirst(scheme.count + 3)
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.isEmpty, !rest.contains(where: { "/?#@ \\\t".contains($0) }) else { return nil }
        var host = rest
        var port: Int?
        if let colon = rest.lastIndex(of: ":"), !rest[colon...].contains("]") {
            guard let number = Int(rest[rest.index(after: colon)...]), (1...65535).contains(number) else { return nil }
            host = rest[..<colon]
            port = number
        }
        guard !host.isEmpty, host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-.[]:".contains($0)) }) else { return nil }
        if let p = port, (scheme == "https" && p == 443) || (scheme == "http" && p == 80) { port = nil }
        return "\(scheme)://\(host)\(port.map { ":\($0)" } ?? "")"
    }

    /// Whether a browser's `Origin` header names one of ``allowedOrigins``.
    public func allows(origin: String) -> Bool {
        guard let normalised = Self.normaliseOrigin(origin) else { return false }
        return allowedOrigins.contains(normalised)
    }

    /// The section with the secret masked.
    public var description: String {
        "inbox(signing_secret: ••••, allowed_origins: [\(allowedOrigins.joined(separator: ", "))], max_streams: \(maxStreams), page_cache_mb: \(pageCacheMegabytes))"
    }
}
