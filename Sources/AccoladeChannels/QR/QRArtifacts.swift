import AccoladeCore
import Crypto
import Foundation

/// A message's QR code as stored: its token, URLs and PNG bytes.
public struct QRArtifact: Sendable, Hashable {
    /// The unguessable, per-message token naming the files.
    public let token: String
    /// What the symbol encodes (the rendered `qr.txt` part, signed when a key is configured).
    public let payload: String
    /// `{public_url}/v1/qr/{token}.png`.
    public let pngURL: String
    /// `{public_url}/v1/qr/{token}.svg`.
    public let svgURL: String
    /// The PNG bytes (email attaches them inline).
    public let png: [UInt8]
    /// QR version of the symbol (1…40).
    public let version: Int
}

/// The one function that turns a message's QR payload into stored files.
///
/// Deterministic and idempotent: the token comes from the message id, the bytes from the
/// payload and settings, and files are rewritten only when different. The QR channel and every
/// channel that embeds the code (email `cid:`, a WhatsApp image header) call it, so the image
/// exists before any delivery that shows it goes out, whatever order the deliveries run in.
public struct QRArtifacts: Sendable {
    /// The image folder.
    public let store: QRImageStore
    /// Drawing settings.
    public let renderer: QRCodeRenderer
    /// Base URL of the HTTP server (`server.public_url`).
    public let publicURL: String
    private let signer: QRSigner?
    private let tokenKey: SymmetricKeyBox

    /// Opens the image folder (creating it and its token key when missing).
    public init(config: QRChannelConfig, publicURL: String) throws(QRError) {
        store = QRImageStore(directory: config.directory)
        renderer = try QRCodeRenderer(config)
        self.publicURL = publicURL
        signer = config.signingKey.map(QRSigner.init(secret:))
        tokenKey = SymmetricKeyBox(try store.tokenKey())
    }

    /// The payload as it will be encoded: signed when `channels.qr.signing_key` is set.
    public func finalPayload(_ payload: String) -> String {
        signer?.sign(payload) ?? payload
    }

    /// The token for a message, without drawing anything.
    public func token(messageID: String) -> String {
        QRImageStore.token(messageID: messageID, key: tokenKey.key)
    }

    /// The URL at which the server serves a stored image.
    public func url(token: String, format: QRImageFormat) -> String {
        PublicURL.join(publicURL, "/v1/qr/\(token).\(format.fileExtension)")
    }

    /// Draws the message's code and stores PNG and SVG (unless already stored with these bytes).
    public func make(messageID: String, payload: String) throws(QRError) -> QRArtifact {
        let encoded = finalPayload(payload)
        let images = try renderer.render(encoded)
        let token = token(messageID: messageID)
        try store.write(images.png, token: token, format: .png)
        try store.write(Array(images.svg.utf8), token: token, format: .svg)
        return QRArtifact(
            token: token, payload: encoded, pngURL: url(token: token, format: .png), svgURL: url(token: token, format: .svg),
            png: images.png, version: images.matrix.version)
    }
}

/// Holds the token key; `SymmetricKey` is a value type but not declared `Sendable` in every swift-crypto version.
private struct SymmetricKeyBox: @unchecked Sendable {
    let key: SymmetricKey
    init(_ key: SymmetricKey) { self.key = key }
}
