import AccoladeCore
import AccoladeCurl

/// Turns a libcurl SMTP result into a receipt or a classified ``DeliveryError``: pure, no I/O.
///
/// Order (libcurl has no SMTP-specific codes): a successful transfer is a receipt; otherwise a
/// 4xx/5xx reply code decides; otherwise the CURLcode does. `code` is the reply code as a
/// string, or `curl:NN` when the server never replied with an error.
public enum SMTPResultClassifier {
    /// Longest detail kept from a server reply.
    static let maxDetail = 200

    /// Classifies `result` for `provider`.
    public static func classify(_ result: CurlResult, provider: String) -> Result<DeliveryReceipt, DeliveryError> {
        let reply = result.lastReplyLine.map(shorten)
        if result.isSuccess {
            return .success(DeliveryReceipt(
                provider: provider, providerMessageID: reply.flatMap(queueID), code: String(result.responseCode == 0 ? 250 : result.responseCode),
                detail: reply ?? "accepted"
            ))
        }
        let code = result.responseCode
        let replyDetail = reply ?? "\(code)"
        switch code {
        case 400..<500:
            return .failure(DeliveryError(disposition: .retry(after: nil), provider: provider, code: "\(code)", detail: replyDetail))
        case 530, 535:
            return .failure(DeliveryError(
                disposition: .permanent, provider: provider, code: "\(code)",
                detail: "SMTP authentication failed; check smtp.username and smtp.password (\(replyDetail))"))
        case 500..<600:
            return .failure(DeliveryError(disposition: .permanent, provider: provider, code: "\(code)", detail: replyDetail))
        default:
            break
        }
        let curlCode = "curl:\(result.curlCode)"
        let curlDetail = shorten(result.curlError.isEmpty ? "curl error \(result.curlCode)" : result.curlError)
        switch result.curlCode {
        case CurlResult.Code.loginDenied:
            return .failure(DeliveryError(
                disposition: .permanent, provider: provider, code: curlCode,
                detail: "SMTP login denied; check smtp.username and smtp.password"))
        case CurlResult.Code.useSSLFailed:
            return .failure(DeliveryError(
                disposition: .permanent, provider: provider, code: curlCode,
                detail: "server does not offer STARTTLS but smtp.starttls is required; enable TLS on the server or use smtps://"))
        case CurlResult.Code.unsupportedProtocol, CurlResult.Code.urlMalformed, CurlResult.Code.badFunctionArgument,
             CurlResult.Code.unknownOption, CurlResult.Code.sslCertProblem, CurlResult.Code.peerFailedVerification,
             CurlResult.Code.sslCACertBadFile:
            return .failure(DeliveryError(
                disposition: .permanent, provider: provider, code: curlCode, detail: "SMTP configuration error: \(curlDetail)"))
        default:
            // Connection refused, timeouts, resets, empty replies and anything unknown: try again later.
            return .failure(DeliveryError(disposition: .retry(after: nil), provider: provider, code: curlCode, detail: curlDetail))
        }
    }

    /// The queue id in replies such as `250 2.0.0 Ok: queued as 4BX9f22Lz`.
    static func queueID(_ reply: String) -> String? {
        guard let range = reply.range(of: "queued as ") else { return nil }
        let id = reply[range.upperBound...].prefix { !$0.isWhitespace }
        return id.isEmpty ? nil : String(id)
    }

    private static func shorten(_ text: String) -> String {
        let printable = String(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.map(Character.init))
        return printable.count > maxDetail ? String(printable.prefix(maxDetail)) + "…" : printable
    }
}
