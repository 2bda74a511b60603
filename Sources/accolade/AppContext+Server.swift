import AccoladeCore
import Foundation

extension AppContext {
    /// Provider webhook handlers by `{provider}` path segment (filled in by the channels that
    /// receive callbacks: SMS, WhatsApp).
    var webhooks: [String: any WebhookHandler] { [:] }

    /// Finds a stored QR image by token and format, when the QR channel is configured.
    var qrImageLookup: (@Sendable (String, String) -> String?)? { nil }
}
