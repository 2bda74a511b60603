import AccoladeCore
import Foundation
import Logging
import Metrics

/// The "on-screen" channel: draws the message's QR code, stores PNG and SVG under
/// `channels.qr.directory` and returns a receipt whose provider message id is the PNG's URL
/// (`{public_url}/v1/qr/{token}.png`), which a CRM can show and the HTTP server serves.
public struct QRChannel: Channel {
    /// Always `.qr`.
    public let kind: ChannelKind = .qr
    /// The provider name recorded on attempts (default `qrencode`).
    public let providerName: String
    /// The shared drawing and storage function.
    public let artifacts: QRArtifacts
    private let logger: Logger

    /// Creates the channel.
    public init(artifacts: QRArtifacts, logger: Logger, providerName: String = "qrencode") {
        self.artifacts = artifacts
        self.logger = logger
        self.providerName = providerName
    }

    /// A QR code needs no address: every recipient can be shown one.
    public func validate(recipient: Recipient) throws(ValidationError) {}

    /// Refuses at `send` time a payload (signed, when signing is on) too large for the configured
    /// error-correction level, naming the limit, so nothing is queued that could never be drawn.
    public func validate(content: RenderedContent) throws(ValidationError) {
        guard case .qr(let payload) = content else { return }
        do {
            _ = try QREncoder.encode(artifacts.finalPayload(payload), level: artifacts.renderer.level)
        } catch {
            throw ValidationError(field: "data", reason: "qr: \(error)")
        }
    }

    /// Draws and stores the code; a payload too large for the level fails permanently, naming the limit.
    public func deliver(_ request: DeliveryRequest) async throws(DeliveryError) -> DeliveryReceipt {
        try await DeliveryAttemptRecorder(channel: .qr, logger: logger).measure(request, provider: providerName) { attempt(request) }
    }

    private func attempt(_ request: DeliveryRequest) -> Result<DeliveryReceipt, DeliveryError> {
        guard case .qr(let payload) = request.content else {
            return .failure(DeliveryError(
                disposition: .permanent, provider: providerName,
                detail: "content is not a QR payload; route the qr channel only to templates with a qr.txt part"))
        }
        do {
            let artifact = try artifacts.make(messageID: request.messageID, payload: payload)
            return .success(DeliveryReceipt(
                provider: providerName, providerMessageID: artifact.pngURL, code: "v\(artifact.version)",
                detail: "stored PNG and SVG; \(artifact.pngURL)"))
        } catch {
            return .failure(DeliveryError(
                disposition: error.isTransient ? .retry(after: nil) : .permanent, provider: providerName, detail: error.description))
        }
    }
}
