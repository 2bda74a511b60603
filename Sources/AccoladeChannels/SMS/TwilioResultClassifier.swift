import AccoladeCore
import AccoladeCurl
import Foundation

/// Turns the answer to `POST …/Messages.json` into a receipt or a classified failure: pure.
///
/// | answer | disposition | scope |
/// |---|---|---|
/// | 2xx with `sid` | receipt (`SM…`, status) | – |
/// | 429 / 20429, 503 | rate-limited, after `Retry-After` | provider |
/// | 30001 queue overflow | rate-limited | provider |
/// | 401 / 20003 credentials refused | misconfigured (`auth_token`) | provider |
/// | 20404 account unknown / 404 without a Twilio code | misconfigured (`account_sid` / `base_url`) | provider |
/// | TLS certificate rejected (curl 60, 58, 77, 83) | misconfigured (`ca_file`, or `base_url` for a host-name mismatch) | provider |
/// | From problems (21212, 21606, 21659, 21660) | permanent | provider |
/// | 21610 opted out | suppressed | message |
/// | 21211, 21614, 21617, 30004–30007 and other 4xx | permanent | message |
/// | 21408, 21612 no route from this sender | permanent | route |
/// | 30003, 30008 | retry | message |
/// | other 5xx, connection errors, timeouts | retry | provider |
///
/// A 5xx or a timeout may still have sent the SMS (Twilio has no idempotency key), so failing
/// over after one can, rarely, deliver twice; a 429 was never processed (Twilio says so).
/// A misconfigured provider fails every message the same way: the channel pauses it and fails
/// over; `keys` names the configuration key to fix.
public enum TwilioResultClassifier {
    /// Classifies `result` from provider `provider` at `now` (for HTTP-date `Retry-After`); `keys`
    /// defaults to ``ProviderConfigKeys/sms(named:urlName:)``.
    public static func classify(
        _ result: CurlResult, provider: String, now: Date, keys: ProviderConfigKeys? = nil
    ) -> Result<DeliveryReceipt, SMSProviderFailure> {
        let keys = keys ?? .sms(named: provider, urlName: "base_url")
        guard result.isSuccess else { return .failure(.transport(result, provider: provider, keys: keys)) }
        let status = result.responseCode
        let body = Body(result.body)
        if (200..<300).contains(status) {
            guard let sid = body?.sid, !sid.isEmpty else {
                return .failure(failure(.retry(after: nil), provider, "\(status)", "answer \(status) without a message sid; is base_url a Twilio API?", .provider))
            }
            return .success(DeliveryReceipt(provider: provider, providerMessageID: sid, code: "\(status)", detail: body?.status ?? "queued"))
        }
        let code = body?.code.map(String.init)
        let text = ProviderText.shorten(body?.message ?? result.bodyText)
        let label = code ?? "\(status)"
        let detail = code.flatMap(TwilioErrorCodes.meaning).map { "\($0): \(text)" } ?? (text.isEmpty ? "HTTP \(status)" : text)
        let retryAfter = RetryAfter.parse(result.header("Retry-After"), now: now).map { Duration.milliseconds(ofSeconds: $0) }

        switch (status, code) {
        case (429, _), (_, "20429"), (503, _):
            return .failure(failure(.rateLimited(after: retryAfter), provider, label, detail, .provider))
        case (_, "30001"):
            return .failure(failure(.rateLimited(after: retryAfter), provider, label, detail, .provider))
        case (401, _), (_, "20003"):
            return .failure(failure(
                .misconfigured(key: keys.key("auth_token")), provider, label,
                "Twilio refused the credentials; check \(keys.key("account_sid")) and \(keys.key("auth_token")) (\(detail))", .provider))
        case (_, "20404"):
            return .failure(failure(
                .misconfigured(key: keys.key("account_sid")), provider, label,
                "Twilio does not know this account; check \(keys.key("account_sid")) (\(detail))", .provider))
        case (404, nil):
            return .failure(failure(
                .misconfigured(key: keys.url), provider, label,
                "no Twilio API at this address (404 without a Twilio error); check \(keys.url) (\(detail))", .provider))
        case (_, "21212"), (_, "21606"), (_, "21659"), (_, "21660"):
            return .failure(failure(.permanent, provider, label, "sender problem; check from / messaging_service_sid (\(detail))", .provider))
        case (_, "21610"):
            return .failure(failure(.suppressed, provider, label, detail, .message))
        case (_, "21408"), (_, "21612"):
            return .failure(failure(.permanent, provider, label, detail, .route))
        case (_, "30003"), (_, "30008"):
            return .failure(failure(.retry(after: retryAfter), provider, label, detail, .message))
        case (400..<500, _):
            return .failure(failure(.permanent, provider, label, detail, .message))
        default:
            return .failure(failure(.retry(after: retryAfter), provider, label, detail, .provider))
        }
    }

    private static func failure(_ d: DeliveryDisposition, _ provider: String, _ code: String, _ detail: String, _ scope: SMSProviderFailure.Scope) -> SMSProviderFailure {
        SMSProviderFailure(DeliveryError(disposition: d, provider: provider, code: code, detail: detail), scope: scope)
    }

    /// The fields Accolade reads from success and error bodies. Parsed with Core's JSON parser
    /// rather than `JSONDecoder`: this runs once per SMS, and the decoder's setup dominated it.
    private struct Body {
        var sid: String?
        var status: String?
        var code: Int?
        var message: String?

        init?(_ bytes: [UInt8]) {
            guard let object = (try? JSONValue(jsonBytes: bytes))?.objectValue else { return nil }
            sid = object["sid"]?.stringValue
            // Success bodies have a string `status`; error bodies an integer one.
            status = object["status"]?.stringValue
            if case .int(let n)? = object["code"] { code = Int(exactly: n) }
            message = object["message"]?.stringValue
        }
    }
}
