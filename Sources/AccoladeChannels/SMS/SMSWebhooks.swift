import AccoladeCore
import Foundation
import Logging

/// Twilio's callbacks, accepted only with a valid `X-Twilio-Signature` for one of the configured
/// Twilio accounts: `POST /v1/webhooks/twilio/status` (message status) and
/// `POST /v1/webhooks/twilio/inbound` (the number's incoming-message webhook: STOP/START).
public struct TwilioWebhook: WebhookHandler {
    /// `twilio`.
    public let provider = "twilio"
    private let authTokens: [String]
    private let recorder: ReceiptRecorder
    private let optOuts: OptOutRecorder

    /// An empty TwiML document: acknowledge an inbound message without replying (Twilio itself
    /// answers the standard opt-out keywords on long codes and toll-free numbers).
    static let emptyTwiML = #"<?xml version="1.0" encoding="UTF-8"?><Response></Response>"#

    /// Creates the handler for the configured Twilio providers' auth tokens.
    public init(authTokens: [String], store: any Store, clock: any WallClock = SystemWallClock(), logger: Logger) {
        self.authTokens = authTokens
        self.recorder = ReceiptRecorder(store: store, clock: clock, logger: logger)
        self.optOuts = OptOutRecorder(channel: .sms, suppressions: store, clock: clock, logger: logger)
    }

    /// Verifies the signature over the public URL and form fields, then records the status or
    /// applies the inbound keyword.
    public func handle(_ request: WebhookRequest) async throws -> WebhookResponse {
        guard request.method == "POST", request.event == "status" || request.event == "inbound" else {
            throw WebhookRejection(
                status: 404, reason: "Twilio posts to /v1/webhooks/twilio/status (status callbacks) or /v1/webhooks/twilio/inbound (incoming messages)")
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
        if request.event == "inbound" {
            try await optOuts.apply(try InboundMessage.twilio(form: form), provider: provider)
            return WebhookResponse(status: 200, contentType: "text/xml; charset=utf-8", body: Array(Self.emptyTwiML.utf8))
        }
        return try await recorder.record(try TwilioStatusCallback.parse(form: form), provider: provider)
    }
}

/// Kannel's callbacks: `GET|POST /v1/webhooks/kannel/dlr?token=…&status=%d…` (delivery reports,
/// accepted only with a per-delivery token a configured provider issued) and
/// `GET|POST /v1/webhooks/kannel/inbound?token=…&from=%p&text=%a` (mobile-originated messages from
/// an `sms-service` `get-url`, accepted only with a configured `inbound_token`: STOP/START).
public struct KannelWebhook: WebhookHandler {
    /// `kannel`.
    public let provider = "kannel"
    private let tokens: [KannelDLRToken]
    private let inboundTokens: [String]
    private let recorder: ReceiptRecorder
    private let optOuts: OptOutRecorder

    /// Creates the handler for the configured Kannel providers' DLR token keys and inbound tokens.
    public init(
        tokens: [KannelDLRToken], inboundTokens: [String] = [], store: any Store, clock: any WallClock = SystemWallClock(),
        logger: Logger
    ) {
        self.tokens = tokens
        self.inboundTokens = inboundTokens
        self.recorder = ReceiptRecorder(store: store, clock: clock, logger: logger)
        self.optOuts = OptOutRecorder(channel: .sms, suppressions: store, clock: clock, logger: logger)
    }

    /// Verifies the token, then records the report or applies the inbound keyword.
    public func handle(_ request: WebhookRequest) async throws -> WebhookResponse {
        let query = request.query.map { ($0.name, $0.value) }
        switch request.event {
        case "dlr":
            var lastError = WebhookRejection(status: 403, reason: "no Kannel provider is configured")
            for key in tokens {
                let event: ReceiptEvent
                do throws(WebhookRejection) {
                    event = try KannelDLR.parse(query: query, tokens: key)
                } catch {
                    // Another provider's key may have issued the token.
                    lastError = error
                    continue
                }
                return try await recorder.record(event, provider: provider)
            }
            throw lastError
        case "inbound":
            guard !inboundTokens.isEmpty else {
                throw WebhookRejection(
                    status: 404, reason: "no inbound route: no Kannel provider has channels.sms.providers[].inbound_token set")
            }
            let token = request.queryValue("token") ?? ""
            guard SecretComparison.matchesAny(token, of: inboundTokens) else {
                throw WebhookRejection(
                    status: 403, reason: "token is missing or not a configured inbound_token (set channels.sms.providers[].inbound_token and put it in the get-url)")
            }
            try await optOuts.apply(try InboundMessage.kannel(query: query), provider: provider)
            // Kannel sends a non-empty answer back to the sender as a reply; stay silent.
            return WebhookResponse(status: 200, body: [])
        default:
            throw WebhookRejection(
                status: 404, reason: "Kannel calls /v1/webhooks/kannel/dlr (delivery reports) or /v1/webhooks/kannel/inbound (incoming messages)")
        }
    }
}

extension SMSChannelConfig {
    /// The webhook handlers the configured providers need (Twilio status and inbound, Kannel DLR
    /// and inbound).
    public func webhooks(store: any Store, logger: Logger) -> [any WebhookHandler] {
        var twilioTokens: [String] = []
        var kannelTokens: [KannelDLRToken] = []
        var inboundTokens: [String] = []
        for p in providers {
            switch p.kind {
            case .twilio(let t): twilioTokens.append(t.authToken)
            case .kannel(let k):
                kannelTokens.append(KannelSMSProvider.tokens(for: k))
                if let token = k.inboundToken { inboundTokens.append(token) }
            }
        }
        var handlers: [any WebhookHandler] = []
        if !twilioTokens.isEmpty { handlers.append(TwilioWebhook(authTokens: twilioTokens, store: store, logger: logger)) }
        if !kannelTokens.isEmpty { handlers.append(KannelWebhook(tokens: kannelTokens, inboundTokens: inboundTokens, store: store, logger: logger)) }
        return handlers
    }
}
