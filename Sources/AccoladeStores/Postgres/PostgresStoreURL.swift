import Foundation

/// The parts of a `postgres://user[:password]@host[:port]/database` URL.
///
/// Parsed here rather than handed to the driver so each mistake is named by its part and the
/// password never appears in an error or a log line (``redacted``).
public struct PostgresStoreURL: Sendable, Hashable {
    /// How the connection is secured.
    public enum TLSMode: String, Sendable, Hashable {
        /// Plain TCP: only for loopback or a private network. The only mode supported so far;
        /// `sslmode=require` is where TLS (NIOSSL configuration) will plug in.
        case disable
    }

    /// The server host name or address.
    public var host: String
    /// The server port (5432 unless given).
    public var port: Int
    /// The user to log in as.
    public var user: String
    /// The password, if any (percent-decoded).
    public var password: String?
    /// The database (the user name when the URL has none, as libpq does).
    public var database: String
    /// The TLS mode (`sslmode` query option).
    public var tls: TLSMode

    /// Parses `text`.
    /// - Throws: ``PostgresStoreError/invalidURL(part:reason:)`` naming the part at fault.
    public init(_ text: String) throws(PostgresStoreError) {
        guard let components = URLComponents(string: text) else {
            throw .invalidURL(part: "syntax", reason: "not a URL (percent-encode special characters in the password)")
        }
        guard let scheme = components.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql" else {
            throw .invalidURL(part: "scheme", reason: "must be postgres:// or postgresql://")
        }
        guard let user = components.user, !user.isEmpty else {
            throw .invalidURL(part: "user", reason: "missing user name before '@'")
        }
        guard let host = components.host, !host.isEmpty else {
            throw .invalidURL(part: "host", reason: "missing host")
        }
        if let port = components.port, !(1...65535).contains(port) {
            throw .invalidURL(part: "port", reason: "\(port) is not a TCP port")
        }
        var path = components.path
        if path.hasPrefix("/") { path.removeFirst() }
        guard !path.contains("/") else {
            throw .invalidURL(part: "database", reason: "'\(path)' is not a database name")
        }
        var tls = TLSMode.disable
        for item in components.queryItems ?? [] {
            switch (item.name, item.value ?? "") {
            case ("sslmode", "disable"): tls = .disable
            case ("sslmode", let mode):
                throw .invalidURL(part: "option sslmode", reason: "'\(mode)' is not supported yet; use sslmode=disable")
            default:
                throw .invalidURL(part: "option \(item.name)", reason: "unknown option")
            }
        }
        self.host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        self.port = components.port ?? 5432
        self.user = user
        self.password = components.password
        self.database = path.isEmpty ? user : path
        self.tls = tls
    }

    /// The URL with the password replaced by `***`, fit for logs and errors.
    public var redacted: String {
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(user)\(password == nil ? "" : ":***")@\(hostPart):\(port)/\(database)"
    }

    /// `host:port`, naming the endpoint in connection errors.
    var endpoint: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
