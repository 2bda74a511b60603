import AccoladeCore
import Foundation
import Logging

/// `/v1/webhooks/whatsapp`: Meta's subscription handshake (GET) and signed notifications (POST).
///
/// - GET answers `hub.challenge` when `hub.mode` is `subscribe` and `hub.verify_token` equals
///   `channels.whatsapp.verify_token` (compared through `SecretComparison`), else 403; without a
///   configured `verify_token` there is no handshake route (404).
/// - POST checks `X-Hub-Signature-256` over the raw body first and refuses (403) a missing or
///   wrong signature before parsing anything. Then `statuses[]` become receipts, deduplicated on
///   (wamid, status) and applied monotonically by the store (sent < delivered < read; failed only
///   from sent; held until the outcome carrying the wamid is written when they arrive first),
///   and `messages[]` open the user's 24-hour window and handle STOP/START keywords.
///
/// Recording is a few indexed writes, done before answering: a 200 promises Meta the event is
/// stored (Meta retries non-200 answers for about a day, so a store outage loses nothing).
public struct WhatsAppWebhook: WebhookHandler {
    /// `whatsapp`.
    public let provider = "whatsapp"
    private let appSecret: String?
    private let verifyToken: String?
    private let store: any Store
    private let clock: any WallClock
    private let logger: Logger

    /// Creates the handler; without `appSecret` every POST is refused, without `verifyToken` every handshake.
    public init(appSecret: String?, verifyToken: String?, store: any Store, clock: any WallClock = SystemWallClock(), logger: Logger) {
        self.appSecret = appSecret
        self.verifyToken = verifyToken
        self.store = store
        self.clock = clock
        self.logger = logger
    }

    /// Answers the handshake or verifies and records a notification.
    public func handle(_ request: WebhookRequest) async throws -> WebhookResponse {
        guard request.event.isEmpty else {
            throw WebhookRejection(status: 404, reason: "Meta calls /v1/webhooks/whatsapp (no further path)")
        }
        switch request.method {
        case "GET": return try handshake(request)
        case "POST": return try await notification(request)
        default: throw WebhookRejection(status: 405, reason: "use GET for the handshake and POST for notifications")
        }
    }

    private func handshake(_ request: WebhookRequest) throws -> WebhookResponse {
        guard let verifyToken, !verifyToken.isEmpty else {
            throw WebhookRejection(
                status: 404, reason: "no handshake route: channels.whatsapp.verify_token is not set (set it to the token entered in the Meta app's webhook settings)")
        }
        guard request.queryValue("hub.mode") == "subscribe",
            SecretComparison.matches(request.queryValue("hub.verify_token") ?? "", verifyToken)
        else {
            throw WebhookRejection(status: 403, reason: "hub.mode is not subscribe or hub.verify_token does not match channels.whatsapp.verify_token")
        }
        return .ok(request.queryValue("hub.challenge") ?? "")
    }

    private func notification(_ request: WebhookRequest) async throws -> WebhookResponse {
        guard let appSecret, !appSecret.isEmpty else {
            throw WebhookRejection(status: 403, reason: "channels.whatsapp.app_secret is not set; notifications cannot be verified")
        }
        guard let header = request.headers["x-hub-signature-256"] else {
            throw WebhookRejection(status: 403, reason: "X-Hub-Signature-256 is missing")
        }
        guard WhatsAppSignature.isValid(header: header, body: request.body, appSecret: appSecret) else {
            throw WebhookRejection(status: 403, reason: "X-Hub-Signature-256 does not match the body (check channels.whatsapp.app_secret)")
        }
        let payload = try WhatsAppWebhookPayload.parse(request.body)
        for status in payload.statuses { try await record(status) }
        for message in payload.messages { try await record(message) }
        return .ok()
    }

    private func record(_ status: WhatsAppWebhookPayload.Status) async throws {
        guard let state = status.state else { return }
        let detail = status.errorCode.map { code in "\(code)" + (status.errorText.map { ": \($0)" } ?? "") }
        var event = ReceiptEvent(
            source: provider, reference: .providerMessageID(status.wamid), state: state, rawStatus: status.status,
            detail: detail ?? "", occurredAt: status.occurredAt)
        event.freeOfCharge = status.isFree
        _ = try await ReceiptRecorder(store: store, clock: clock, logger: logger).record(event, provider: provider)
    }

    private func record(_ message: WhatsAppWebhookPayload.Inbound) async throws {
        let now = clock.now()
        // Meta's clock may run ahead of ours; a window never opens in the future.
        try await store.recordInbound(channel: .whatsapp, address: message.from, at: min(message.occurredAt ?? now, now))
        guard let text = message.text else { return }
        try await OptOutRecorder(channel: .whatsapp, suppressions: store, clock: clock, logger: logger)
            .apply(InboundMessage(from: message.from, body: text), provider: provider)
    }
}
