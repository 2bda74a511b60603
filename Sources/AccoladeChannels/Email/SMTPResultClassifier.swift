import AccoladeCore
import AccoladeCurl
import Foundation

/// Turns a libcurl SMTP result into a receipt or a classified ``DeliveryError``: pure, no I/O.
///
/// Order (libcurl has no SMTP-specific codes): a successful transfer is a receipt; otherwise a
/// 4xx/5xx reply code decides; otherwise the CURLcode does. `code` is the reply code as a
/// string, or `curl:NN` when the server never replied with an error.
///
/// Faults of the relay's configuration rather than of one message are `.misconfigured(key:)`
/// naming the key to fix, so the worker pauses the channel instead of failing the queue:
///
/// | answer | key |
/// |---|---|
/// | 535, curl 67 (credentials refused) | `smtp.password` |
/// | 530 authentication required | `smtp.username` (`smtp.starttls` when the reply asks for STARTTLS) |
/// | 534, 538 (mechanism needs encryption) | `smtp.starttls` |
/// | curl 64 (STARTTLS required, not offered) | `smtp.starttls` |
/// | curl 60 untrusted or expired certificate, 58, 77, 83 | `smtp.ca_file` |
/// | curl 60 certificate for another host name | `smtp.url` |
///
/// Other 4xx, connection errors and timeouts retry; other 5xx fail the delivery.
public enum SMTPResultClassifier {
    /// Classifies `result` for `provider`, naming keys under `keys` (default `channels.email.smtp`).
    public static func classify(
        _ result: CurlResult, provider: String, keys: ProviderConfigKeys = .smtp
    ) -> Result<DeliveryReceipt, DeliveryError> {
        let reply = result.lastReplyLine.map { ProviderText.shorten($0) }
        if result.isSuccess {
            return .success(DeliveryReceipt(
                provider: provider, providerMessageID: reply.flatMap(queueID), code: String(result.responseCode == 0 ? 250 : result.responseCode),
                detail: reply ?? "accepted"
            ))
        }
        let code = result.responseCode
        let replyDetail = reply ?? "\(code)"
        func misconfigured(_ name: String, _ code: String, _ detail: String) -> Result<DeliveryReceipt, DeliveryError> {
            .failure(DeliveryError(disposition: .misconfigured(key: keys.key(name)), provider: provider, code: code, detail: detail))
        }
        switch code {
        case 400..<500:
            return .failure(DeliveryError(disposition: .retry(after: nil), provider: provider, code: "\(code)", detail: replyDetail))
        case 535:
            return misconfigured("password", "\(code)", "the server refused the credentials; check \(keys.key("username")) and \(keys.key("password")) (\(replyDetail))")
        case 530 where replyDetail.uppercased().contains("TLS"):
            return misconfigured("starttls", "\(code)", "the server requires STARTTLS first; set \(keys.key("starttls")) to required (\(replyDetail))")
        case 530:
            return misconfigured("username", "\(code)", "the server requires authentication; set \(keys.key("username")) and \(keys.key("password")) (\(replyDetail))")
        case 534, 538:
            return misconfigured("starttls", "\(code)", "the server accepts these credentials only over TLS; set \(keys.key("starttls")) to required or use smtps:// (\(replyDetail))")
        case 500..<600:
            return .failure(DeliveryError(disposition: .permanent, provider: provider, code: "\(code)", detail: replyDetail))
        default:
            break
        }
        let curlCode = "curl:\(result.curlCode)"
        let curlDetail = ProviderText.transportDetail(result)
        if let fault = TLSConfigurationFault.classify(result, keys: keys) {
            return .failure(DeliveryError(disposition: .misconfigured(key: fault.key), provider: provider, code: curlCode, detail: fault.detail))
        }
        switch result.curlCode {
        case CurlResult.Code.loginDenied:
            return misconfigured("password", curlCode, "SMTP login denied (\(curlDetail)); check \(keys.key("username")) and \(keys.key("password")), and that the server offers AUTH (many offer it only after STARTTLS)")
        case CurlResult.Code.useSSLFailed:
            return misconfigured("starttls", curlCode, "the server does not offer STARTTLS but \(keys.key("starttls")) is required; enable TLS on the server or use smtps:// in \(keys.url)")
        case CurlResult.Code.unsupportedProtocol, CurlResult.Code.urlMalformed, CurlResult.Code.badFunctionArgument,
             CurlResult.Code.unknownOption:
            return .failure(DeliveryError(
                disposition: .permanent, provider: provider, code: curlCode, detail: "SMTP configuration error: \(curlDetail)"))
        default:
            // Connection refused, timeouts, resets, empty replies and anything unknown: try again later.
            return .failure(DeliveryError(disposition: .retry(after: nil), provider: provider, code: curlCode, detail: curlDetail))
        }
    }

    /// The relay's id for the message, from replies such as `250 2.0.0 Ok: queued as 4BX9f22Lz`
    /// (Postfix) or `250 Ok 0100018c5d2e3f4a-…-000000` (Amazon SES, whose bounce and complaint
    /// notifications name the message by that id, since it replaces the `Message-ID`).
    static func queueID(_ reply: String) -> String? {
        if let range = reply.range(of: "queued as ") {
            let id = reply[range.upperBound...].prefix { !$0.isWhitespace }
            return id.isEmpty ? nil : String(id)
        }
        // SES: exactly "250 Ok <id>", the id one token of letters, digits and dashes.
        let words = reply.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ")
        guard words.count == 3, words[0] == "250", words[1] == "Ok", words[2].count >= 16,
            words[2].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
        else { return nil }
        return String(words[2])
    }
}
