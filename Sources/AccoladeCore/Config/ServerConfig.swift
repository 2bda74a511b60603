import Foundation

/// `server`: the HTTP API started by `accolade serve`.
public struct ServerConfig: Sendable, Hashable, CustomStringConvertible {
    /// Host to bind (`127.0.0.1`, `::1`, `0.0.0.0`, …).
    public var host: String
    /// Port to bind; 0 picks a free one.
    public var port: Int
    /// Base URL the outside world reaches the server at, for callback URLs and QR links.
    public var publicURL: String
    /// Accepted bearer tokens (secrets: never printed). Empty tokens are ignored.
    public var tokens: [String]
    /// Largest accepted request body, bytes.
    public var maxBodyBytes: Int

    /// Creates server settings.
    public init(
        host: String = "127.0.0.1", port: Int = 8080, publicURL: String? = nil, tokens: [String] = [],
        maxBodyBytes: Int = 1 << 20
    ) {
        self.host = host
        self.port = port
        self.publicURL = publicURL ?? "http://\(host):\(port)"
        self.tokens = tokens
        self.maxBodyBytes = maxBodyBytes
    }

    init(_ node: ConfigNode) throws(ConfigError) {
        let listen = try node.string("listen") ?? "127.0.0.1:8080"
        guard let (host, port) = ServerConfig.parseListen(listen) else {
            throw ConfigError(path: "server.listen", reason: "must be HOST:PORT, e.g. 127.0.0.1:8080 or [::1]:8080")
        }
        self.host = host
        self.port = port
        let publicURL = try node.string("public_url") ?? "http://\(listen)"
        guard publicURL.hasPrefix("http://") || publicURL.hasPrefix("https://") else {
            throw ConfigError(path: "server.public_url", reason: "must start with http:// or https://")
        }
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        self.tokens = (try node.strings("tokens") ?? []).filter { !$0.isEmpty }
        self.maxBodyBytes = (try node.int("max_body_kib", in: 1...1_048_576) ?? 1024) * 1024
        try node.rejectUnknownKeys()
    }

    /// Whether the server binds only to a loopback address (the one case it may run without tokens).
    public var isLoopbackOnly: Bool {
        host == "127.0.0.1" || host == "::1" || host == "localhost" || host.hasPrefix("127.")
    }

    /// Splits `HOST:PORT` / `[v6]:PORT`.
    public static func parseListen(_ text: String) -> (String, Int)? {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, let port = Int(portText), (0...65535).contains(port) else { return nil }
        return (String(host), port)
    }

    /// A description with tokens masked.
    public var description: String {
        "server(listen: \(host):\(port), public_url: \(publicURL), tokens: \(tokens.count))"
    }
}
