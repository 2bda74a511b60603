import AccoladeChannels
import AccoladeCore
import AccoladeRuntime
import Foundation

extension AppContext {
    /// Provider webhook handlers by `{provider}` path segment (filled in by the channels that
    /// receive callbacks: SMS, WhatsApp), logging once each route left off because its secret is
    /// not set. A provider without a handler answers 404 like any unknown route.
    func webhookHandlers() -> [String: any WebhookHandler] {
        for gap in config.channels.webhookGaps {
            logger.notice("\(gap)", metadata: ["config.key": "\(gap.key)"])
        }
        var handlers = config.channels.sms?.webhooks(store: store, logger: logger) ?? []
        if let whatsapp = config.channels.whatsapp, let handler = whatsapp.webhook(store: store, logger: logger) {
            handlers.append(handler)
        }
        let clock = clock
        let recorder = BounceRecorder(
            store: store, settings: config.bounces, returnPath: config.channels.email?.returnPath, logger: logger, now: { clock.now() })
        if let token = config.bounces.webhookToken {
            handlers.append(DSNWebhookHandler(token: token, recorder: recorder))
        }
        if let ses = config.bounces.ses, let driver {
            let gateway = SNSClient(settings: ses, driver: driver, clock: clock, logger: logger)
            handlers.append(SESWebhookHandler(settings: ses, gateway: gateway, recorder: recorder, logger: logger))
        }
        return Dictionary(handlers.map { ($0.provider, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Finds a stored QR image by token and format, when the QR channel is configured.
    var qrImageLookup: (@Sendable (String, String) -> String?)? {
        guard let qr = config.channels.qr else { return nil }
        let images = QRImageStore(directory: qr.directory)
        return { token, format in
            guard let format = QRImageFormat(rawValue: format) else { return nil }
            return images.file(token: token, format: format)
        }
    }

    /// Draws preview QR codes with the configured settings, when the QR channel is configured.
    var qrPreview: (@Sendable (String) -> [UInt8]?)? {
        guard let qr = config.channels.qr, let renderer = try? QRCodeRenderer(qr) else { return nil }
        return { payload in try? renderer.png(payload) }
    }
}
