import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The two image formats a QR code is stored and served in.
public enum QRImageFormat: String, Sendable, Hashable, CaseIterable {
    /// `image/png`: what email and WhatsApp carry.
    case png
    /// `image/svg+xml`: for web pages and print.
    case svg

    /// The file extension, also the URL suffix (`/v1/qr/{token}.png`).
    public var fileExtension: String { rawValue }

    /// The `Content-Type` to serve it with.
    public var contentType: String {
        switch self {
        case .png: "image/png"
        case .svg: "image/svg+xml"
        }
    }
}

/// The folder of QR images: `{directory}/{token}.png` and `.svg`, written atomically.
///
/// A token is 32 base64url characters (192 bits from an HMAC of the message id under a key kept
/// in `{directory}/.token-key`), so URLs are unguessable yet the same for every attempt of a
/// message. Lookups validate the token strictly, so no request can name another file.
public struct QRImageStore: Sendable {
    /// The folder.
    public let directory: String

    /// Length of every token.
    public static let tokenLength = 32

    /// Name of the key file inside the folder (starts with a dot, so no token can name it).
    static let keyFileName = ".token-key"

    /// Creates a store over `directory` (created on first write).
    public init(directory: String) {
        self.directory = directory
    }

    /// The file's path when `token` is well-formed and the file exists, else nil.
    ///
    /// This is what `GET /v1/qr/{token}.png|.svg` serves; the files never change once a
    /// message's code is drawn, so they may be cached for a long time.
    public func file(token: String, format: QRImageFormat) -> String? {
        guard Self.isValidToken(token) else { return nil }
        let path = self.path(token: token, format: format)
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// Whether `token` has exactly the shape this store issues: 32 characters of `A–Z a–z 0–9 - _`.
    public static func isValidToken(_ token: String) -> Bool {
        token.utf8.count == tokenLength && token.utf8.allSatisfy(isTokenByte)
    }

    /// Whether `byte` is in the base64url alphabet.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default: false
        }
    }

    /// `{directory}/{token}.{ext}` (callers validate the token first).
    func path(token: String, format: QRImageFormat) -> String {
        "\(directory)/\(token).\(format.fileExtension)"
    }

    /// Writes `bytes` unless the file already holds exactly them (retries and embedding channels
    /// call this for the same message); atomic, so a reader never sees a half-written image.
    func write(_ bytes: [UInt8], token: String, format: QRImageFormat) throws(QRError) {
        let path = self.path(token: token, format: format)
        if let existing = FileManager.default.contents(atPath: path), existing.elementsEqual(bytes) { return }
        try createDirectory()
        let temporary = "\(path).\(UInt64.random(in: 0...UInt64.max)).tmp"
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: temporary))
        } catch {
            throw .storage(path: directory, reason: "cannot write \(temporary): \(error.localizedDescription)")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .storage(path: directory, reason: "cannot rename into \(path): \(reason)")
        }
    }

    /// The token-derivation key, created with 32 random bytes on first use.
    ///
    /// Two processes racing to create it both end up with the one that was linked first.
    func tokenKey() throws(QRError) -> SymmetricKey {
        let path = "\(directory)/\(Self.keyFileName)"
        if let data = FileManager.default.contents(atPath: path), data.count == 32 { return SymmetricKey(data: data) }
        try createDirectory()
        let fresh = SymmetricKey(size: .bits256)
        let temporary = "\(path).\(UInt64.random(in: 0...UInt64.max)).tmp"
        let written = fresh.withUnsafeBytes { raw in
            FileManager.default.createFile(atPath: temporary, contents: Data(raw), attributes: [.posixPermissions: 0o600])
        }
        guard written else { throw .storage(path: directory, reason: "cannot create \(temporary)") }
        defer { unlink(temporary) }
        // link(2) fails with EEXIST instead of replacing a key another process made meanwhile.
        if link(temporary, path) != 0 && errno != EEXIST {
            throw .storage(path: directory, reason: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        guard let data = FileManager.default.contents(atPath: path), data.count == 32 else {
            throw .storage(path: directory, reason: "\(path) must hold 32 bytes; delete it to make a new one (old QR URLs then change)")
        }
        return SymmetricKey(data: data)
    }

    /// The token for a message: stable for the message, unguessable without the key.
    static func token(messageID: String, key: SymmetricKey) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("accolade.qr.token\0\(messageID)".utf8), using: key)
        return Data(mac.prefix(24)).base64URLEncodedString()
    }

    private func createDirectory() throws(QRError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .storage(path: directory, reason: error.localizedDescription)
        }
    }
}
