import AccoladeCore
import AccoladeCurl

extension SMSProviderFailure {
    /// A transfer to an SMS provider's HTTP API that failed before an answer came back
    /// (Twilio and Kannel alike): a TLS certificate or CA problem pauses the provider with the key
    /// to fix, a malformed or unsupported URL fails the message, anything else (refused
    /// connection, timeout, reset) retries. The provider is to blame in every case.
    static func transport(_ result: CurlResult, provider: String, keys: ProviderConfigKeys) -> SMSProviderFailure {
        let code = "curl:\(result.curlCode)"
        let detail = ProviderText.transportDetail(result)
        let disposition: DeliveryDisposition
        var text = detail
        if let fault = TLSConfigurationFault.classify(result, keys: keys) {
            disposition = .misconfigured(key: fault.key)
            text = fault.detail
        } else {
            switch result.curlCode {
            case CurlResult.Code.unsupportedProtocol, CurlResult.Code.urlMalformed:
                disposition = .permanent
                text = "configuration error: \(detail)"
            default:
                disposition = .retry(after: nil)
            }
        }
        return SMSProviderFailure(DeliveryError(disposition: disposition, provider: provider, code: code, detail: text), scope: .provider)
    }
}
