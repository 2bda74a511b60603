import Foundation
import PostgresNIO

extension PostgresStoreURL {
    /// The NIOSSL client settings for ``tls``, or nil for `disable`. Every certificate and key file
    /// is read here, so a missing or unreadable file stops the start with the option and path
    /// named, rather than failing later inside a connection attempt.
    /// - Throws: ``PostgresStoreError/unusableTLSFile(option:path:reason:)``.
    func tlsConfiguration() throws(PostgresStoreError) -> TLSConfiguration? {
        let check = certificateCheck
        guard check != .none else { return nil }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        switch (check, rootCertificate) {
        case (.encryptionOnly, _), (_, nil):
            configuration.certificateVerification = .none
        case (_, "system"):
            configuration.trustRoots = .default
            configuration.certificateVerification = .fullVerification
        case (_, let path?):
            configuration.trustRoots = .certificates(try Self.certificates(option: "sslrootcert", path: path))
            configuration.certificateVerification = check == .chainAndHost ? .fullVerification : .noHostnameVerification
        }
        if let certificate = clientCertificate, let key = clientKey {
            configuration.certificateChain = try Self.certificates(option: "sslcert", path: certificate).map { .certificate($0) }
            configuration.privateKey = .privateKey(try Self.privateKey(path: key))
        }
        return configuration
    }

    /// ``tlsConfiguration()`` made into the context single connections (start-up check, `LISTEN`)
    /// need, or nil for `disable`. Making it also checks that `sslkey` belongs to `sslcert`.
    func tlsContext(_ configuration: TLSConfiguration?) throws(PostgresStoreError) -> NIOSSLContext? {
        guard let configuration else { return nil }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw .unusableTLSFile(
                option: clientKey == nil ? "sslrootcert" : "sslkey", path: clientKey ?? rootCertificate ?? "",
                reason: clientKey == nil ? "TLS could not be set up (\(error))" : "does not belong to sslcert, or TLS could not be set up (\(error))")
        }
    }

    private static func certificates(option: String, path: String) throws(PostgresStoreError) -> [NIOSSLCertificate] {
        try readable(option: option, path: path)
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(path)
        } catch {
            throw .unusableTLSFile(option: option, path: path, reason: "not a PEM certificate file (\(error))")
        }
        guard !certificates.isEmpty else {
            throw .unusableTLSFile(option: option, path: path, reason: "holds no PEM certificate")
        }
        return certificates
    }

    private static func privateKey(path: String) throws(PostgresStoreError) -> NIOSSLPrivateKey {
        try readable(option: "sslkey", path: path)
        do {
            return try NIOSSLPrivateKey(file: path, format: .pem)
        } catch {
            throw .unusableTLSFile(option: "sslkey", path: path, reason: "not an unencrypted PEM private key")
        }
    }

    private static func readable(option: String, path: String) throws(PostgresStoreError) {
        guard FileManager.default.fileExists(atPath: path) else {
            throw .unusableTLSFile(option: option, path: path, reason: "no such file")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw .unusableTLSFile(option: option, path: path, reason: "not readable by this user")
        }
    }
}
