import AccoladeCore
import AccoladeCurl
import Foundation

/// Turns Kannel's `sendsms` answer into a receipt or a classified failure: pure. The HTTP status
/// decides first, then the body prefix:
///
/// | answer | outcome | scope |
/// |---|---|---|
/// | 202 `0: Accepted for delivery`, `Sent.` | receipt, `accepted` | – |
/// | 202 `3: Queued for later delivery` | receipt, `queued` (stored by Kannel, not an error) | – |
/// | 403 `Authorization failed for sendsms` | misconfigured (`password`) | provider |
/// | TLS certificate rejected (curl 60, 58, 77, 83) | misconfigured (`ca_file`, or `sendsms_url` for a host-name mismatch) | provider |
/// | 403 `Not routable. Do not try again.` | permanent | route |
/// | 400 `… misformed, rejected`, sender missing, white/black-listed | permanent | route |
/// | 503 `Temporal failure, try again later.` | rate-limited | provider |
/// | 500 `Sending failed.`, other 5xx, connection errors | retry | provider |
public enum KannelResultClassifier {
    /// Classifies `result` from provider `provider`; `keys` (default by name) names the keys to fix.
    public static func classify(
        _ result: CurlResult, provider: String, now: Date, keys: ProviderConfigKeys? = nil
    ) -> Result<DeliveryReceipt, SMSProviderFailure> {
        let keys = keys ?? .sms(named: provider, urlName: "sendsms_url")
        guard result.isSuccess else { return .failure(.transport(result, provider: provider, keys: keys)) }
        let status = result.responseCode
        let body = ProviderText.shorten(result.bodyText.trimmingCharacters(in: .whitespacesAndNewlines))
        let code = "\(status)"
        func fail(_ d: DeliveryDisposition, _ detail: String, _ scope: SMSProviderFailure.Scope) -> Result<DeliveryReceipt, SMSProviderFailure> {
            .failure(SMSProviderFailure(DeliveryError(disposition: d, provider: provider, code: code, detail: detail), scope: scope))
        }
        switch status {
        case 200..<300:
            if body.hasPrefix("3:") {
                return .success(DeliveryReceipt(provider: provider, code: code, detail: "queued: \(body)"))
            }
            return .success(DeliveryReceipt(provider: provider, code: code, detail: body.isEmpty ? "accepted" : body))
        case 403 where body.lowercased().hasPrefix("authorization failed"):
            return fail(
                .misconfigured(key: keys.key("password")),
                "Kannel refused the sendsms credentials; check \(keys.key("username")) and \(keys.key("password")) against the sendsms-user group (\(body))", .provider)
        case 400..<500:
            return fail(.permanent, body.isEmpty ? "HTTP \(status)" : body, .route)
        case 503:
            let after = RetryAfter.parse(result.header("Retry-After"), now: now).map { Duration.milliseconds(ofSeconds: $0) }
            return fail(.rateLimited(after: after), body.isEmpty ? "temporary failure" : body, .provider)
        default:
            return fail(.retry(after: nil), body.isEmpty ? "HTTP \(status)" : body, .provider)
        }
    }
}
