import AccoladeCore
import AccoladeCurl
import Foundation

/// Twilio Programmable Messaging (or a compatible API): one form POST per message to
/// `{base_url}/2010-04-01/Accounts/{sid}/Messages.json` with basic auth, over the shared
/// ``CurlMultiDriver`` (keep-alive connections).
public struct TwilioSMSProvider: SMSProvider {
    /// The configured provider name.
    public let name: String
    private let config: TwilioProviderConfig
    private let statusCallbackURL: String?
    private let driver: CurlMultiDriver
    private let connectTimeout: Duration
    private let timeout: Duration
    private let clock: any WallClock
    private let caFile: String?
    /// Where this provider's settings live, named by misconfiguration errors.
    public let configKeys: ProviderConfigKeys
    private let endpoint: String

    /// Creates the provider. `publicURL` is `server.public_url`; status callbacks go to
    /// `{publicURL}/v1/webhooks/twilio/status` when `config.statusCallbacks` is on. `caFile` is the
    /// entry's `ca_file`; `configKeys` (default: by name) is where misconfiguration errors point.
    public init(
        name: String, config: TwilioProviderConfig, publicURL: String, driver: CurlMultiDriver,
        connectTimeout: Duration = .seconds(10), timeout: Duration = .seconds(30), clock: any WallClock = SystemWallClock(),
        caFile: String? = nil, configKeys: ProviderConfigKeys? = nil
    ) {
        self.caFile = caFile
        self.configKeys = configKeys ?? .sms(named: name, urlName: "base_url")
        self.name = name
        self.config = config
        self.driver = driver
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.clock = clock
        statusCallbackURL = config.statusCallbacks ? Self.statusCallbackURL(publicURL: publicURL) : nil
        endpoint = "\(config.baseURL)/2010-04-01/Accounts/\(config.accountSID)/Messages.json"
    }

    /// `{publicURL}/v1/webhooks/twilio/status`.
    public static func statusCallbackURL(publicURL: String) -> String {
        PublicURL.join(publicURL, "/v1/webhooks/twilio/status")
    }

    /// The form fields of one message, in the order sent.
    public func formFields(_ message: SMSOutgoing) -> [(String, String)] {
        var fields: [(String, String)] = [("To", message.to)]
        if let service = config.messagingServiceSID {
            fields.append(("MessagingServiceSid", service))
        } else if let from = config.from {
            fields.append(("From", from))
        }
        fields.append(("Body", message.text))
        if let statusCallbackURL { fields.append(("StatusCallback", statusCallbackURL)) }
        return fields
    }

    /// Sends one message and classifies the answer with ``TwilioResultClassifier``.
    public func send(_ message: SMSOutgoing) async -> Result<DeliveryReceipt, SMSProviderFailure> {
        let request: CurlHTTPRequest
        do {
            request = try CurlHTTPRequest(
                method: "POST", url: endpoint,
                headers: [CurlHeader("Content-Type", "application/x-www-form-urlencoded"), CurlHeader("Accept", "application/json")],
                body: Array(FormURLEncoding.encode(formFields(message)).utf8),
                basicAuth: (config.accountSID, config.authToken))
        } catch {
            return .failure(SMSProviderFailure(
                DeliveryError(disposition: .permanent, provider: name, detail: "cannot build the Twilio request: \(error)"), scope: .provider))
        }
        let result = await driver.perform(CurlTransfer(.http(request), connectTimeout: connectTimeout, timeout: timeout, caFile: caFile))
        return TwilioResultClassifier.classify(result, provider: name, now: clock.now(), keys: configKeys)
    }
}
