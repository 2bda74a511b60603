import AccoladeCore
import AccoladeCurl
import Foundation

/// Kannel's `sendsms` HTTP interface: one GET per message over the shared ``CurlMultiDriver``.
///
/// GSM-7 texts go as `coding=0`, anything else as `coding=2&charset=UTF-8` (without the charset
/// Kannel would read UTF-8 bytes as UCS-2). Delivery reports are requested with `dlr-mask` and a
/// `dlr-url` of `{public_url}/v1/webhooks/kannel/dlr?token=<per-delivery token>&status=%d&ts=%T&reply=%A`.
public struct KannelSMSProvider: SMSProvider {
    /// The configured provider name.
    public let name: String
    private let config: KannelProviderConfig
    private let dlrBaseURL: String
    /// Makes and checks the per-delivery DLR tokens (the webhook route needs the same one).
    public let tokens: KannelDLRToken
    private let driver: CurlMultiDriver
    private let connectTimeout: Duration
    private let timeout: Duration
    private let clock: any WallClock
    private let caFile: String?
    /// Where this provider's settings live, named by misconfiguration errors.
    public let configKeys: ProviderConfigKeys

    /// Creates the provider; `publicURL` is `server.public_url`, `caFile` the entry's `ca_file`,
    /// `configKeys` (default: by name) where misconfiguration errors point.
    public init(
        name: String, config: KannelProviderConfig, publicURL: String, driver: CurlMultiDriver,
        connectTimeout: Duration = .seconds(10), timeout: Duration = .seconds(30), clock: any WallClock = SystemWallClock(),
        caFile: String? = nil, configKeys: ProviderConfigKeys? = nil
    ) {
        self.caFile = caFile
        self.configKeys = configKeys ?? .sms(named: name, urlName: "sendsms_url")
        self.name = name
        self.config = config
        self.driver = driver
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.clock = clock
        tokens = Self.tokens(for: config)
        dlrBaseURL = PublicURL.join(publicURL, "/v1/webhooks/kannel/dlr")
    }

    /// The token checker for a Kannel configuration: `dlr_secret`, else derived from the password.
    public static func tokens(for config: KannelProviderConfig) -> KannelDLRToken {
        KannelDLRToken(secret: config.dlrSecret ?? "password:" + config.password)
    }

    /// The `dlr-url` for one delivery, before URL-encoding as a parameter.
    public func dlrURL(deliveryID: String) -> String {
        "\(dlrBaseURL)?token=\(FormURLEncoding.encode(tokens.make(deliveryID: deliveryID)))\(KannelDLR.escapes)"
    }

    /// The query parameters of one `sendsms` request, in the order sent (contains the password).
    public func queryParameters(_ message: SMSOutgoing) -> [(String, String)] {
        var query: [(String, String)] = [("username", config.username), ("password", config.password)]
        if let from = config.from { query.append(("from", from)) }
        query.append(("to", message.to))
        query.append(("text", message.text))
        switch message.analysis.encoding {
        case .gsm7: query.append(("coding", "0"))
        case .ucs2: query.append(("coding", "2"))
        }
        query.append(("charset", "UTF-8"))
        if config.dlrMask > 0 {
            query.append(("dlr-mask", "\(config.dlrMask)"))
            query.append(("dlr-url", dlrURL(deliveryID: message.deliveryID)))
        }
        return query
    }

    /// Sends one message and classifies the answer with ``KannelResultClassifier``.
    public func send(_ message: SMSOutgoing) async -> Result<DeliveryReceipt, SMSProviderFailure> {
        let request: CurlHTTPRequest
        do {
            request = try CurlHTTPRequest(method: "GET", url: config.sendsmsURL + "?" + FormURLEncoding.encode(queryParameters(message)))
        } catch {
            // The error names the field only; the URL (with the password) is never echoed.
            return .failure(SMSProviderFailure(
                DeliveryError(disposition: .permanent, provider: name, detail: "cannot build the Kannel request: \(error)"), scope: .provider))
        }
        let result = await driver.perform(CurlTransfer(.http(request), connectTimeout: connectTimeout, timeout: timeout, caFile: caFile))
        return KannelResultClassifier.classify(result, provider: name, now: clock.now(), keys: configKeys)
    }
}
