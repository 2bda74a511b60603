import AccoladeCore
import Foundation

/// `POST /v1/webhooks/dsn`: a bounce or complaint as a raw message in the body (a mail-to-HTTP
/// relay, or a script on the mail host). The body is the whole message (`message/rfc822` or any
/// content type); `Authorization: Bearer <bounces.webhook_token>` or `?token=` is required, since
/// a bounce suppresses an address. An optional `?recipient=` names the address the report was
/// delivered to (the VERP return path), as the CLI's `--recipient`.
///
/// Answers `200` with what changed (also when the report matched nothing sent), `401` for a
/// missing or wrong token, `422` for a body that is not a report.
public struct DSNWebhookHandler: WebhookHandler {
    /// The path segment.
    public let provider = "dsn"
    let token: String
    let recorder: BounceRecorder

    /// Creates the handler.
    public init(token: String, recorder: BounceRecorder) {
        self.token = token
        self.recorder = recorder
    }

    /// Checks the token, then records the report.
    public func handle(_ request: WebhookRequest) async throws -> WebhookResponse {
        guard request.method == "POST" else {
            throw WebhookRejection(status: 405, reason: "POST the raw bounce message")
        }
        let bearer = request.headers["authorization"].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
        guard let given = bearer ?? request.queryValue("token"), SecretComparison.matchesAny(given, of: [token]) else {
            throw WebhookRejection(status: 401, reason: "send Authorization: Bearer <bounces.webhook_token> (or ?token=)")
        }
        let outcome: BounceOutcome
        do {
            outcome = try await recorder.record(request.body, envelopeRecipient: request.queryValue("recipient"))
        } catch let error as BounceReportError {
            throw WebhookRejection(status: 422, reason: error.description)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return WebhookResponse(status: 200, contentType: "application/json", body: Array((try? encoder.encode(outcome)) ?? Data("{}".utf8)))
    }
}
