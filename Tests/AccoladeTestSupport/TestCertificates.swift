import Foundation

/// A throw-away CA and server certificates for TLS tests, made by
/// `scripts/test-servers/make_test_certs.sh` with `openssl` in a temporary directory that goes away
/// with the value.
///
/// ```swift
/// let certs = try TestCertificates()
/// let relay = try TestServer.python("smtp_tls.py", ["--dir", mail.path, "--cert", certs.untrusted, "--key", certs.key])
/// // EmailChannelConfig(…, caFile: certs.ca) trusts certs.trusted, not certs.untrusted
/// ```
public final class TestCertificates: @unchecked Sendable {
    /// The directory holding the files.
    public let directory: TemporaryDirectory
    /// The throw-away CA's certificate: what `ca_file` points at.
    public var ca: String { path("ca.pem") }
    /// The one private key of every server certificate below.
    public var key: String { path("server.key") }
    /// Signed by the CA for 127.0.0.1, ::1 and localhost.
    public var trusted: String { path("trusted.pem") }
    /// Self-signed for the same names.
    public var untrusted: String { path("untrusted.pem") }
    /// Signed by the CA, expired in January 2020.
    public var expired: String { path("expired.pem") }
    /// Signed by the CA for other.example only.
    public var wrongHost: String { path("wronghost.pem") }
    /// An RSA certificate signed by the CA, as Amazon SNS signs messages with.
    public var snsSigning: String { path("sns-signing.pem") }
    /// Its private key (PKCS #8 PEM).
    public var snsSigningKey: String { path("sns-signing.key") }

    /// Makes a fresh set (about a second of `openssl` work).
    public init() throws {
        directory = try TemporaryDirectory()
        let script = TestServer.repositoryRoot.appendingPathComponent("scripts/test-servers/make_test_certs.sh").path
        let process = try ChildProcess("/bin/bash", [script, directory.path])
        process.waitUntilExit()
        guard process.terminationStatus == 0, FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("expired.pem").path) else {
            throw TestCertificatesError.openssl(process.terminationStatus)
        }
    }

    /// A file of the set by name.
    public func path(_ name: String) -> String { directory.url.appendingPathComponent(name).path }

    /// Copies certificate `source` over `destination` (a server started with `--cert destination`
    /// picks it up on SIGHUP).
    public func install(_ source: String, at destination: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: source))
        try data.write(to: URL(fileURLWithPath: destination), options: .atomic)
    }
}

/// Why the certificates could not be made.
public enum TestCertificatesError: Error, CustomStringConvertible {
    case openssl(Int32)

    public var description: String {
        switch self {
        case .openssl(let status):
            "scripts/test-servers/make_test_certs.sh failed (exit \(status)); is openssl installed (scripts/setup.sh)?"
        }
    }
}
