import Foundation

/// The parts of a `postgres://user[:password]@host[:port]/database[?sslmode=…]` URL.
///
/// Parsed here rather than handed to the driver so each mistake is named by its part and the
/// password never appears in an error or a log line (``redacted``).
///
/// The TLS options mean what they mean to libpq (`sslmode`, `sslrootcert`, `sslcert`, `sslkey`),
/// with two deliberate differences: without `sslmode` the connection is plain (`disable`; libpq's
/// default `prefer` falls back to plain text without a word, so it is refused here, as is
/// `allow`), and `verify-ca`/`verify-full` need `sslrootcert` named in the URL (libpq would look
/// for `~/.postgresql/root.crt`, which a service account rarely has).
public struct PostgresStoreURL: Sendable, Hashable {
    /// How the connection is secured (`sslmode`).
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        /// Plain TCP: only for loopback or a private network. The default.
        case disable
        /// TLS, without checking the server's certificate unless `sslrootcert` is given, in which
        /// case it is checked as ``verifyCA`` checks it (libpq's rule).
        case require
        /// TLS, the server's certificate signed by a CA in `sslrootcert`; any host name.
        case verifyCA = "verify-ca"
        /// TLS, the server's certificate signed by a CA in `sslrootcert` and naming the host of
        /// the URL (a DNS name, or an IP address in its IP SANs).
        case verifyFull = "verify-full"
    }

    /// What is actually checked of the server's certificate, after libpq's rules.
    public enum CertificateCheck: Sendable, Hashable {
        /// No TLS at all.
        case none
        /// Encrypted, but anyone in the middle could present a certificate: `require` without `sslrootcert`.
        case encryptionOnly
        /// The chain up to a CA in `sslrootcert`: `verify-ca`, or `require` with `sslrootcert`.
        case chain
        /// The chain and the host name: `verify-full`.
        case chainAndHost
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
    /// `sslrootcert`: a PEM file of the CA certificates to trust, or `system` for the system's
    /// trust store (only with `verify-full`, as in libpq).
    public var rootCertificate: String?
    /// `sslcert`: the client certificate (PEM) to present, for servers that authenticate by certificate.
    public var clientCertificate: String?
    /// `sslkey`: the client certificate's private key (unencrypted PEM).
    public var clientKey: String?

    /// What is checked of the server's certificate.
    public var certificateCheck: CertificateCheck {
        switch tls {
        case .disable: .none
        case .require: rootCertificate == nil ? .encryptionOnly : .chain
        case .verifyCA: .chain
        case .verifyFull: .chainAndHost
        }
    }

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
        var tls: TLSMode?
        var files: [String: String] = [:]
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "sslmode":
                guard let mode = TLSMode(rawValue: value) else {
                    throw .invalidURL(part: "option sslmode", reason: Self.unsupportedMode(value))
                }
                tls = mode
            case "sslrootcert", "sslcert", "sslkey":
                guard !value.isEmpty else { throw .invalidURL(part: "option \(item.name)", reason: "needs a file path") }
                files[item.name] = value
            default:
                throw .invalidURL(part: "option \(item.name)", reason: "unknown option")
            }
        }
        try Self.checkTLSOptions(tls ?? .disable, explicit: tls != nil, files: files)
        self.host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        self.port = components.port ?? 5432
        self.user = user
        self.password = components.password
        self.database = path.isEmpty ? user : path
        self.tls = tls ?? .disable
        self.rootCertificate = files["sslrootcert"]
        self.clientCertificate = files["sslcert"]
        self.clientKey = files["sslkey"]
    }

    /// Why `mode` is refused.
    private static func unsupportedMode(_ mode: String) -> String {
        let known = TLSMode.allCases.map(\.rawValue).joined(separator: ", ")
        switch mode {
        case "prefer", "allow":
            return "'\(mode)' falls back to plain text without a word, so it is not offered; use one of \(known)"
        default:
            return "'\(mode)' is not an sslmode; use one of \(known)"
        }
    }

    /// Refuses combinations that would silently do less than they say.
    private static func checkTLSOptions(_ mode: TLSMode, explicit: Bool, files: [String: String]) throws(PostgresStoreError) {
        if mode == .disable, let option = files.keys.sorted().first {
            throw .invalidURL(
                part: "option \(option)",
                reason: explicit ? "has no effect with sslmode=disable" : "needs sslmode (require, verify-ca or verify-full); without it the connection is plain")
        }
        switch files["sslrootcert"] {
        case nil where mode == .verifyCA || mode == .verifyFull:
            throw .invalidURL(
                part: "option sslrootcert",
                reason: "sslmode=\(mode.rawValue) needs sslrootcert=PATH to the CA certificate (or sslrootcert=system for the system's trust store)")
        case "system" where mode != .verifyFull:
            throw .invalidURL(
                part: "option sslrootcert",
                reason: "sslrootcert=system needs sslmode=verify-full: any public CA could vouch for another host otherwise")
        default:
            break
        }
        if (files["sslcert"] == nil) != (files["sslkey"] == nil) {
            let missing = files["sslcert"] == nil ? "sslcert" : "sslkey"
            throw .invalidURL(part: "option \(missing)", reason: "sslcert and sslkey go together: give both files")
        }
    }

    /// The URL with the password replaced by `***`, fit for logs and errors (with its `sslmode`
    /// unless `disable`).
    public var redacted: String {
        let hostPart = host.contains(":") ? "[\(host)]" : host
        let mode = tls == .disable ? "" : "?sslmode=\(tls.rawValue)"
        return "postgres://\(user)\(password == nil ? "" : ":***")@\(hostPart):\(port)/\(database)\(mode)"
    }

    /// `host:port`, naming the endpoint in connection errors.
    var endpoint: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
