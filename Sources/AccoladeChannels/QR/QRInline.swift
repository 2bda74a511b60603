import AccoladeCore
import Foundation

/// How templates place a message's QR code inside another channel's content.
public enum QRInline {
    /// The `Content-ID` (without angle brackets) of the inline QR image in email; an HTML part
    /// shows the code with `<img src="cid:qr@accolade" alt="…" width="240" height="240">`.
    public static let contentID = "qr@accolade"

    /// Whether an HTML body references the inline QR image.
    public static func isReferenced(in html: String) -> Bool {
        html.contains("cid:\(contentID)")
    }
}

/// Finds or draws the QR code of a message, for channels that embed it (email, WhatsApp).
public protocol QRArtifactSource: Sendable {
    /// The message's stored QR code, drawn and stored now if it is not yet.
    func artifact(forMessage messageID: String) async throws(QRError) -> QRArtifact
}

/// Renders a stored message's `qr.txt` part and draws it through ``QRArtifacts``: the same
/// deterministic function the QR channel uses, so both produce the same token and bytes.
public struct StoredMessageQRSource: QRArtifactSource {
    private let store: any Store
    private let renderer: any MessageRenderer
    private let artifacts: QRArtifacts

    /// Creates a source over the queue's store and the template renderer.
    public init(store: any Store, renderer: any MessageRenderer, artifacts: QRArtifacts) {
        self.store = store
        self.renderer = renderer
        self.artifacts = artifacts
    }

    /// Looks the message up, renders its QR payload and stores the images.
    public func artifact(forMessage messageID: String) async throws(QRError) -> QRArtifact {
        let found: Message?
        do {
            found = try await store.message(id: messageID)
        } catch {
            throw .lookupFailed("\(error)")
        }
        guard let message = found else { throw .messageNotFound(messageID) }
        let content: RenderedContent
        do {
            content = try renderer.renderContent(
                template: message.template, channel: .qr, locale: message.locale, data: message.data, recipient: message.recipient)
        } catch {
            throw .noQRPart(template: message.template, reason: "\(error)")
        }
        guard case .qr(let payload) = content else { throw .noQRPart(template: message.template, reason: "not a QR payload") }
        return try artifacts.make(messageID: messageID, payload: payload)
    }
}
