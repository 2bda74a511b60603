import Foundation

extension ConfigNode {
    /// The largest CA file read at start-up (the system bundle is about 200 KiB).
    static let maxCAFileBytes = 16 << 20

    /// A PEM file of CA certificates (`ca_file`): checked at start-up, so a wrong path fails the
    /// configuration naming the key instead of failing deliveries later. `nil` when absent.
    public func caFile(_ key: String) throws(ConfigError) -> String? {
        guard let path = try string(key) else { return nil }
        let files = FileManager.default
        var isDirectory: ObjCBool = false
        guard files.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw ConfigError(
                path: keyPath(key),
                reason: "\"\(path)\" is not a file; give the path of a PEM file of CA certificates (relative to the directory Accolade is started from)")
        }
        guard files.isReadableFile(atPath: path), let data = files.contents(atPath: path) else {
            throw ConfigError(path: keyPath(key), reason: "\"\(path)\" cannot be read; make it readable by the user Accolade runs as")
        }
        guard data.count <= Self.maxCAFileBytes, String(decoding: data, as: UTF8.self).contains("-----BEGIN CERTIFICATE-----") else {
            throw ConfigError(
                path: keyPath(key),
                reason: "\"\(path)\" is not a PEM file of CA certificates (no -----BEGIN CERTIFICATE----- block); convert a DER file with `openssl x509 -inform der -in ca.cer -out ca.pem`")
        }
        return path
    }
}
