import AccoladeCore
import AccoladeCurl
import Foundation

/// A classified Graph API failure plus what the channel must do about it besides telling the worker.
public struct WhatsAppFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The channel-side consequence of an error code.
    public enum Action: Sendable, Hashable {
        /// Nothing beyond the disposition.
        case none
        /// Meta is throttling the number or app: slow the whole channel down (token bucket back-off).
        case throttleChannel
        /// Pair rate limit: hold back this recipient only; everyone else goes on.
        case delayRecipient
        /// Free text outside the 24-hour window: resend as the approved template when one is mapped.
        case resendAsTemplate
        /// The user stopped marketing messages: add the number to the suppression list.
        case suppress
        /// The access token expired or is invalid: alert operators loudly, then retry.
        case alertToken
        /// The account is restricted or locked: alert operators and pause the channel.
        case alertAccount
    }

    /// The classified error for the worker (disposition, code, secret-free detail).
    public var error: DeliveryError
    /// What the channel does besides.
    public var action: Action

    /// Creates a failure.
    public init(_ error: DeliveryError, action: Action = .none) {
        self.error = error
        self.action = action
    }

    /// The error's description.
    public var description: String { error.description }
}

/// Turns a Graph API answer into a wamid or a classified failure: pure, one rule.
///
/// When the body carries a Graph error object (`{"error":{"code":<integer>,…}}`), `error.code`
/// decides, whatever the HTTP status (sources disagree on 400 vs 429 for throttling, and Meta
/// wraps server-side codes in a 400). Only without such a body does the HTTP status decide: a
/// proxy, a load balancer or an outage answered, not Meta. README's "WhatsApp → Errors" tables
/// are this one, and a test holds them to it.
///
/// | `error.code` | disposition | action |
/// |---|---|---|
/// | 4, 80007, 130429 | rate-limited (Retry-After or 1 s) | throttle the channel |
/// | 131048 spam rate limit | rate-limited, 60 s | throttle the channel |
/// | 131056 pair rate limit | retry after the pair delay | delay this recipient only |
/// | 131049 per-user marketing cap | retry after 6 h | – |
/// | 1, 2, 131000, 131016, 131057 | retry with backoff | – |
/// | 190 token expired/invalid | misconfigured (`access_token`) | alert in the log |
/// | 0, 3, 10, 200–299 auth/permission | misconfigured (`access_token`) | – |
/// | 368, 131031 account restricted | rate-limited, 15 min | alert, pause the channel |
/// | 100, 131008, 131009, 132000, 132001, 132012, 132015, 132016 | permanent (configuration or payload) | – |
/// | 131026 undeliverable | permanent (a `fallback` route moves on) | – |
/// | 131047 outside the 24-hour window | permanent | resend as template |
/// | 131050 user stopped marketing | suppressed | add to the suppression list |
/// | any other code | retry with backoff (Retry-After honoured) | – |
///
/// | no Graph error object | disposition | action |
/// |---|---|---|
/// | HTTP 401 | misconfigured (`access_token`) | alert in the log |
/// | HTTP 429 | rate-limited (Retry-After or 1 s) | throttle the channel |
/// | HTTP 408, 5xx | retry with backoff | – |
/// | an HTML page (a proxy's), any other status | retry with backoff | – |
/// | any other status | permanent | – |
/// | TLS certificate rejected (curl 60, 58, 77, 83) | misconfigured (`ca_file`, or `api_base` for a host-name mismatch) | – |
/// | other transfer failures (timeouts, refused, reset) | retry with backoff | – |
public enum WhatsAppResultClassifier {
    /// The provider name recorded on attempts.
    public static let provider = "whatsapp"

    /// A successful answer: the wamid (`messages[0].id`) and `message_status` when given.
    public struct Accepted: Sendable, Hashable {
        /// The WhatsApp message id, the key of every status webhook.
        public var wamid: String
        /// `accepted`, `held_for_quality_assessment`, … (template sends only).
        public var status: String?
    }

    /// Classifies the answer to `POST /{version}/{phone_number_id}/messages`.
    public static func classifySend(
        _ result: CurlResult, now: Date, pairDelay: Duration = .seconds(6), keys: ProviderConfigKeys = .whatsapp
    ) -> Result<Accepted, WhatsAppFailure> {
        guard result.isSuccess else { return .failure(transport(result, keys: keys)) }
        let body = try? JSONValue(jsonBytes: result.body)
        if (200..<300).contains(result.responseCode), body?["error"] == nil {
            guard case .array(let messages)? = body?["messages"], let id = messages.first?["id"]?.stringValue, !id.isEmpty else {
                return .failure(WhatsAppFailure(DeliveryError(
                    disposition: .retry(after: nil), provider: provider, code: "\(result.responseCode)",
                    detail: "answer \(result.responseCode) without messages[0].id; is channels.whatsapp.api_base the Graph API?")))
            }
            return .success(Accepted(wamid: id, status: messages.first?["message_status"]?.stringValue))
        }
        return .failure(classifyError(result, body: body, now: now, pairDelay: pairDelay, keys: keys))
    }

    /// Classifies the answer to `POST /{version}/{phone_number_id}/media`: the media id or a failure.
    public static func classifyUpload(_ result: CurlResult, now: Date, keys: ProviderConfigKeys = .whatsapp) -> Result<String, WhatsAppFailure> {
        guard result.isSuccess else { return .failure(transport(result, keys: keys)) }
        let body = try? JSONValue(jsonBytes: result.body)
        if (200..<300).contains(result.responseCode), body?["error"] == nil {
            guard let id = body?["id"]?.stringValue, !id.isEmpty else {
                return .failure(WhatsAppFailure(DeliveryError(
                    disposition: .retry(after: nil), provider: provider, code: "\(result.responseCode)",
                    detail: "media upload answered \(result.responseCode) without an id")))
            }
            return .success(id)
        }
        return .failure(classifyError(result, body: body, now: now, pairDelay: .seconds(6), keys: keys))
    }

    /// Classifies a Graph error envelope `{"error":{"message","type","code","error_data":{"details"},"fbtrace_id"}}`.
    static func classifyError(
        _ result: CurlResult, body: JSONValue?, now: Date, pairDelay: Duration, keys: ProviderConfigKeys = .whatsapp
    ) -> WhatsAppFailure {
        let error = body?["error"]
        // A Graph error object is one with an integer code. intValue, not Int(_:): a code such
        // as 1e20 in a remote answer must not trap (it is then no Graph code, and the status decides).
        let code = error?["code"]?.intValue
        let status = result.responseCode
        var text = ProviderText.shorten(error?["message"]?.stringValue ?? result.bodyText)
        if let details = error?["error_data"]?["details"]?.stringValue, !details.isEmpty { text += " (\(ProviderText.shorten(details)))" }
        if let trace = error?["fbtrace_id"]?.stringValue, !trace.isEmpty { text += " [fbtrace_id \(ProviderText.shorten(trace))]" }
        if text.isEmpty { text = "HTTP \(status)" }
        let retryAfter = RetryAfter.parse(result.header("Retry-After"), now: now).map { Duration.milliseconds(ofSeconds: $0) }
        guard let code else {
            // No Graph envelope: a proxy or an outage answered. 401 is the one status Meta's
            // errors map to safely (190, a refused token).
            if status == 401 {
                return WhatsAppFailure(DeliveryError(
                    disposition: .misconfigured(key: keys.key("access_token")), provider: provider, code: "\(status)",
                    detail: "HTTP 401 without a Graph error: the access token was refused — renew \(keys.key("access_token")): \(text)"), action: .alertToken)
            }
            let html = isHTML(result)
            let d: DeliveryDisposition =
                status == 429 ? .rateLimited(after: retryAfter ?? .seconds(1))
                : (status >= 500 || status == 408 || html) ? .retry(after: retryAfter) : .permanent
            let action: WhatsAppFailure.Action = status == 429 ? .throttleChannel : .none
            let source = html ? "an HTML page (a proxy answered, not the Graph API)" : "no Graph error"
            return WhatsAppFailure(DeliveryError(disposition: d, provider: provider, code: "\(status)", detail: "HTTP \(status) with \(source): \(text)"), action: action)
        }
        func fail(_ d: DeliveryDisposition, _ detail: String, _ action: WhatsAppFailure.Action = .none) -> WhatsAppFailure {
            WhatsAppFailure(DeliveryError(disposition: d, provider: provider, code: "\(code)", detail: detail), action: action)
        }
        switch code {
        case 4, 80007, 130429:
            return fail(.rateLimited(after: retryAfter ?? .seconds(1)), "Meta is throttling (\(meaning(code))): \(text)", .throttleChannel)
        case 131048:
            return fail(.rateLimited(after: max(retryAfter ?? .zero, .seconds(60))), "spam rate limit (quality): the channel pauses — \(text)", .throttleChannel)
        case 131056:
            return fail(.retry(after: max(retryAfter ?? .zero, pairDelay)), "pair rate limit: this recipient is held back, others go on — \(text)", .delayRecipient)
        case 131049:
            return fail(.retry(after: .seconds(6 * 3600)), "Meta chose not to deliver (per-user marketing limit); retrying much later — \(text)")
        case 1, 2, 131000, 131016, 131057:
            return fail(.retry(after: retryAfter), "\(meaning(code)): \(text)")
        case 190:
            return fail(
                .misconfigured(key: keys.key("access_token")),
                "the access token expired or is invalid — renew \(keys.key("access_token")) (a system-user token does not expire): \(text)", .alertToken)
        case 368, 131031:
            return fail(.rateLimited(after: .seconds(900)), "the WhatsApp Business Account is restricted or locked — check Business Manager; the channel pauses: \(text)", .alertAccount)
        case 0, 3, 10, 200...299:
            return fail(
                .misconfigured(key: keys.key("access_token")),
                "the access token lacks permission (whatsapp_business_messaging) or the app is not set up for this number — fix \(keys.key("access_token")) / \(keys.key("phone_number_id")): \(text)")
        case 100, 131008, 131009:
            return fail(.permanent, "configuration error: Meta refused a parameter (\(meaning(code))) — check channels.whatsapp.phone_number_id and the template's whatsapp: mapping: \(text)")
        case 132000:
            return fail(.permanent, "configuration error: the parameter count does not match the approved template — make whatsapp.body/header/buttons in manifest.yml list exactly its placeholders: \(text)")
        case 132001:
            return fail(.permanent, "configuration error: the template name or language is not approved in WhatsApp Manager — check whatsapp.name and whatsapp.language in manifest.yml: \(text)")
        case 132012, 132015, 132016:
            return fail(.permanent, "configuration error: \(meaning(code)) — fix the template in WhatsApp Manager or the mapping: \(text)")
        case 131026:
            return fail(.permanent, "the number cannot receive WhatsApp messages (not on WhatsApp, old client or terms not accepted): \(text)")
        case 131047:
            return fail(.permanent, "more than 24 hours since the user last wrote: free text is refused outside the window — \(text)", .resendAsTemplate)
        case 131050:
            return fail(.suppressed, "the user stopped marketing messages from this business: \(text)", .suppress)
        default:
            // A code this table does not know (new, or server-side such as 500 inside an HTTP
            // 400): retried with backoff, and `failed` after `retry.max_attempts` like any retry.
            return fail(.retry(after: retryAfter), "unclassified Graph error \(code), retrying: \(text)")
        }
    }

    /// Whether the answer is an HTML page (a proxy's or load balancer's error page): by its
    /// `Content-Type`, or by a body that opens with a tag when the type is missing or generic.
    static func isHTML(_ result: CurlResult) -> Bool {
        if let type = result.header("Content-Type")?.lowercased(), type.contains("html") { return true }
        let start = result.body.prefix(64).drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF }
        return start.first == UInt8(ascii: "<")
    }

    /// What a code means, for details.
    static func meaning(_ code: Int) -> String {
        switch code {
        case 4: "app-level Graph rate limit"
        case 80007: "WhatsApp Business Account rate limit"
        case 130429: "throughput limit for the number"
        case 1, 2: "Graph service temporarily unavailable"
        case 131000: "unknown error"
        case 131016: "service unavailable"
        case 131057: "business number in maintenance"
        case 100: "invalid parameter"
        case 131008: "required parameter missing"
        case 131009: "parameter value invalid"
        case 132012: "parameter format does not match the template"
        case 132015: "template paused for low quality"
        case 132016: "template disabled"
        default: "error \(code)"
        }
    }

    /// A failed transfer: nothing usable came back.
    static func transport(_ result: CurlResult, keys: ProviderConfigKeys = .whatsapp) -> WhatsAppFailure {
        let code = "curl:\(result.curlCode)"
        let detail = ProviderText.transportDetail(result)
        if let fault = TLSConfigurationFault.classify(result, keys: keys) {
            return WhatsAppFailure(DeliveryError(disposition: .misconfigured(key: fault.key), provider: provider, code: code, detail: fault.detail))
        }
        switch result.curlCode {
        case CurlResult.Code.unsupportedProtocol, CurlResult.Code.urlMalformed:
            return WhatsAppFailure(DeliveryError(disposition: .permanent, provider: provider, code: code, detail: "configuration error (check \(keys.url)): \(detail)"))
        default:
            return WhatsAppFailure(DeliveryError(disposition: .retry(after: nil), provider: provider, code: code, detail: detail))
        }
    }
}
