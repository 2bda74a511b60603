import AccoladeChannels
import AccoladeCore
import Logging

extension AppContext {
    /// The shared QR drawing and storage function, when `channels.qr` is configured.
    ///
    /// URLs use `server.public_url`; the folder and its token key are created when missing.
    static func qrArtifacts(_ config: AccoladeConfig) throws -> QRArtifacts? {
        guard let qr = config.channels.qr else { return nil }
        do {
            return try QRArtifacts(config: qr, publicURL: config.server.publicURL)
        } catch {
            throw CommandFailure(message: "configuration error at channels.qr: \(error)")
        }
    }

    /// The QR channel over `artifacts`.
    static func qrChannels(_ artifacts: QRArtifacts?, logger: Logger) -> [any Channel] {
        artifacts.map { [QRChannel(artifacts: $0, logger: logger)] } ?? []
    }

    /// What email (and WhatsApp) use to embed a message's QR code: renders the stored message's
    /// `qr.txt` part through the same function as the QR channel, so the image exists before
    /// the embedding delivery goes out, whichever delivery runs first.
    static func qrSource(_ artifacts: QRArtifacts?, store: any Store, templates: TemplateLibrary) -> (any QRArtifactSource)? {
        artifacts.map { StoredMessageQRSource(store: store, renderer: templates, artifacts: $0) }
    }
}
