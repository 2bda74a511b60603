import AccoladeCore
import Foundation
import Logging

/// Records what an SMS provider reports about a delivery: shared by the Twilio and Kannel webhooks.
struct SMSReceiptRecorder: Sendable {
    let store: any Store
    let clock: any WallClock
    let logger: Logger

    /// Finds the delivery, records the event and answers the provider. Unknown deliveries are
    /// answered 200 too (logged): a provider retrying a callback we can never apply helps nobody.
    func record(_ event: SMSReceiptEvent, provider: String) async throws -> WebhookResponse {
        let deliveryID: String?
        switch event.reference {
        case .deliveryID(let id): deliveryID = id
        case .providerMessageID(let id): deliveryID = try await store.deliveryID(providerMessageID: id)
        }
        guard let deliveryID else {
            logger.warning("receipt for an unknown message", metadata: ["webhook.provider": "\(provider)"])
            return .ok()
        }
        let receipt = Receipt(
            deliveryID: deliveryID, status: event.state.rawValue, provider: provider,
            providerEventID: event.deduplicationKey, occurredAt: event.occurredAt, receivedAt: clock.now(),
            detail: event.detail)
        let outcome = try await store.recordReceipt(receipt, state: event.state)
        logger.debug(
            "receipt recorded",
            metadata: ["delivery.id": "\(deliveryID)", "receipt.status": "\(event.rawStatus)", "receipt.outcome": "\(outcome)"])
        return .ok()
    }
}

/// `POST /v1/webhooks/twilio/status`: Twilio's message status callback, accepted only with a
/// valid `X-Twilio-Signature` for one of the configured Twilio accounts.
public struct TwilioWebhook: WebhookHandler {
    /// `twilio`.
    public let provider = "twilio"
    private let authTokens: [String]
    private let recorder: SMSReceiptRecorder

    /// Creates the handler for the configured Twilio providers' auth tokens.
    public init(authTokens: [String], store: any Store, clock: any WallClock = SystemWallClock(), logger: Logger) {
        self.authTokens = authTokens
        self.recorder = SMSReceiptRecorder(store: store, clock: clock, logger: logger)
    }

    /// Verifies the signature over the public URL and form fields, then records the status.
    public func handle(_ request: WebhookRequest) async throws -> WebhookResponse {
        guard request.method == "POST", request.event == "status" else {
            throw WebhookRejection(status: 404, reason: "Twilio posts status callbacks to /v1/webhooks/twilio/status")
        }
        let form = FormURLEncoding.decode(String(decoding: request.body, as: UTF8.self))
        let signature = request.headers["x-twilio-signature"] ?? ""
        guard
            authTokens.contains(where: {
                TwilioSignature.isValid(
                    signature: signature, url: request.publicURL, parameters: form, authToken: $0, rawBody: request.body)
            })
        else {
            throw WebhookRejection(status: 403, reason: "X-Twilio-Signature is missing or does not match (check server.public_url)")
        }
        do {
            return try await recorder.record(try TwilioStatusCallback.parse(form: form), provider: provider)
        } catch let error as SMSWebhookError {
            throw WebhookRejection(status: error.status, reason: error.reason)
        }
    }
}

/// `GET|POST /v1/webhooks/kannel/dlr?token=…&status=%d…`: Kannel delivery reports, accepted only
/// with a per-delivery token one of the configured Kannel providers issued.
public struct KannelWebhook: WebhookHandler {
    /// `kannel`.
    public let provider = "kannel"
    private let tokens: [KannelDLRToken]
    private let recorder: SMSReceiptRecorder

    /// Creates the handler for the configured Kannel providers' DLR token keys.
    public init(tokens: [KannelDLRToken], store: any Store, clock: any WallClock = SystemWallClock(), logger: Logger) {
        self.tokens = tokens
        self.recorder = SMSReceiptRecorder(store: store, clock: clock, logger: logger)
    }

    /// Verifies the token, then records the report.
    public func handle(_ request: WebhookRequest) async throws -> WebhookResponse {
        guard request.event == "dlr" else {
            throw WebhookRejection(status: 404, reason: "Kannel delivery reports go to /v1/webhooks/kannel/dlr")
        }
        let query = request.query.map { ($0.name, $0.value) }
        var lastError = SMSWebhookError(status: 403, reason: "no Kannel provider is configured")
        for key in tokens {
            do {
                return try await recorder.record(try KannelDLR.parse(query: query, tokens: key), provider: provider)
            } catch let error as SMSWebhookError {
                lastError = error
            }
        }
        throw WebhookRejection(status: lastError.status, reason: lastError.reason)
    }
}

extension SMSChannelConfig {
    /// The webhook handlers the configured providers need (Twilio status, Kannel DLR).
    public func webhooks(store: any Store, logger: Logger) -> [any WebhookHandler] {
        var twilioTokens: [String] = []
        var kannelTokens: [KannelDLRToken] = []
        for p in providers {
            switch p.kind {
            case .twilio(let t): twilioTokens.append(t.authToken)
            case .kannel(let k): kannelTokens.append(KannelSMSProvider.tokens(for: k))
            }
        }
        var handlers: [any WebhookHandler] = []
        if !twilioTokens.isEmpty { handlers.append(TwilioWebhook(authTokens: twilioTokens, store: store, logger: logger)) }
        if !kannelTokens.isEmpty { handlers.append(KannelWebhook(tokens: kannelTokens, store: store, logger: logger)) }
        return handlers
    }
}
