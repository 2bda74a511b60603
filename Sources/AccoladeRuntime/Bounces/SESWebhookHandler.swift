import AccoladeCore
import Foundation
import Logging
import Metrics

/// `POST /v1/webhooks/ses`: Amazon SES bounce and complaint notifications, delivered by SNS.
///
/// Every message must come from a topic in `bounces.ses.topic_arns` and carry a valid SNS
/// signature (checked by the ``SNSGateway`` with the certificate its `SigningCertURL` names,
/// fetched only from an allowed host). Then:
/// - `SubscriptionConfirmation`: confirmed by a GET of `SubscribeURL` (unless
///   `confirm_subscriptions: false`, when the URL is logged for an operator);
/// - `Notification`: a `Bounce` or `Complaint` event is recorded like a DSN (``BounceRecorder``),
///   matched by SES's `mail.messageId`; other events (`Delivery`, `Send` …) are acknowledged and ignored;
/// - `UnsubscribeConfirmation`: logged.
///
/// Answers: `200` done (also for a report that matched nothing sent), `400` not an SNS message or
/// not an SES event, `403` a topic not configured, a bad signature or an untrusted URL (SNS gives
/// up), `503` when the certificate or the confirmation could not be fetched, or the store failed
/// (SNS retries).
public struct SESWebhookHandler: WebhookHandler {
    /// The path segment.
    public let provider = "ses"
    let settings: SESBouncesConfig
    let gateway: any SNSGateway
    let recorder: BounceRecorder
    let logger: Logger

    /// Creates the handler.
    public init(settings: SESBouncesConfig, gateway: any SNSGateway, recorder: BounceRecorder, logger: Logger) {
        self.settings = settings
        self.gateway = gateway
        self.recorder = recorder
        self.logger = logger
    }

    /// Checks, then acts on one SNS message.
    public func handle(_ request: WebhookRequest) async throws -> WebhookResponse {
        guard request.method == "POST" else { throw WebhookRejection(status: 405, reason: "SNS delivers by POST") }
        let envelope: SNSEnvelope
        do {
            envelope = try SNSEnvelope.parse(request.body)
        } catch {
            throw WebhookRejection(status: 400, reason: error.description)
        }
        guard settings.topicARNs.contains(envelope.topicARN) else {
            count("foreign_topic")
            throw WebhookRejection(status: 403, reason: "TopicArn \(envelope.topicARN) is not in bounces.ses.topic_arns")
        }
        do {
            try await gateway.verify(envelope)
        } catch {
            count(error.isTransient ? "certificate_unavailable" : "refused")
            logger.warning("SNS message refused", metadata: ["sns.message_id": "\(envelope.messageID)", "error": "\(error)"])
            throw WebhookRejection(status: error.isTransient ? 503 : 403, reason: error.description)
        }
        switch envelope.kind {
        case .subscriptionConfirmation:
            return try await confirm(envelope)
        case .unsubscribeConfirmation:
            logger.notice("SNS subscription removed", metadata: ["sns.topic": "\(envelope.topicARN)"])
            count("unsubscribed")
            return .ok()
        case .notification:
            return try await record(envelope)
        }
    }

    private func confirm(_ envelope: SNSEnvelope) async throws -> WebhookResponse {
        guard settings.confirmSubscriptions else {
            logger.notice(
                "SNS subscription not confirmed (bounces.ses.confirm_subscriptions is off): open SubscribeURL to confirm",
                metadata: ["sns.topic": "\(envelope.topicARN)", "sns.subscribe_url": "\(envelope.subscribeURL ?? "-")"])
            count("subscription_logged")
            return .ok("not confirmed: confirm_subscriptions is off")
        }
        do {
            try await gateway.confirmSubscription(envelope)
        } catch {
            count(error.isTransient ? "confirmation_failed" : "refused")
            throw WebhookRejection(status: error.isTransient ? 503 : 403, reason: error.description)
        }
        logger.notice("SNS subscription confirmed", metadata: ["sns.topic": "\(envelope.topicARN)"])
        count("subscription_confirmed")
        return .ok("confirmed")
    }

    private func record(_ envelope: SNSEnvelope) async throws -> WebhookResponse {
        let report: BounceReport?
        do {
            report = try BounceReport.ses(envelope.message, fallbackID: envelope.messageID)
        } catch {
            throw WebhookRejection(status: 400, reason: error.description)
        }
        guard let report else {
            count("other_event")
            return .ok("not a bounce or complaint; ignored")
        }
        let outcome: BounceOutcome
        do {
            outcome = try await recorder.record(report)
        } catch {
            throw WebhookRejection(status: 503, reason: "the bounce could not be recorded now (\(error)); SNS will retry")
        }
        count("recorded")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return WebhookResponse(status: 200, contentType: "application/json", body: Array((try? encoder.encode(outcome)) ?? Data("{}".utf8)))
    }

    private func count(_ result: String) {
        Counter(label: "accolade_sns_messages_total", dimensions: [("result", result)]).increment()
    }
}
