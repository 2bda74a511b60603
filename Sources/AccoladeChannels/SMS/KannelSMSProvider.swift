import AccoladeCore
import AccoladeCurl
import Foundation

/// Kannel's `sendsms` HTTP interface: one GET per SMS part over the shared ``CurlMultiDriver``.
///
/// GSM-7 texts go as `coding=0`, anything else as `coding=2&charset=UTF-8` (without the charset
/// Kannel would read UTF-8 bytes as UCS-2). Delivery reports are requested with `dlr-mask` and a
/// `dlr-url` of `{public_url}/v1/webhooks/kannel/dlr?token=<per-delivery token>&status=%d&ts=%T&reply=%A`.
///
/// A text longer than one SMS is split by Accolade (``SMSSegments``), not by Kannel: Kannel cuts
/// UCS-2 every 134 octets, through the middle of a surrogate pair. Each part goes as its own
/// request with `udh` (the 8-bit concatenation header, reference derived from the delivery id)
/// and a `dlr-url` naming the part, so what the SMSC receives is exactly what `preview` counted.
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

    /// The `dlr-url` for one delivery (or one part of it), before URL-encoding as a parameter.
    public func dlrURL(deliveryID: String, part: ReceiptReport.Part? = nil) -> String {
        let partQuery = part.map { "&part=\($0.index)&parts=\($0.count)" } ?? ""
        return "\(dlrBaseURL)?token=\(FormURLEncoding.encode(tokens.make(deliveryID: deliveryID, part: part)))\(partQuery)\(KannelDLR.escapes)"
    }

    /// The query parameters of one `sendsms` request for `text` (the whole message, or the part
    /// `part` names), in the order sent (contains the password). A part's `udh` is not among
    /// them: it is binary, see ``queries(_:)``.
    public func queryParameters(_ message: SMSOutgoing, text: String? = nil, part: ReceiptReport.Part? = nil) -> [(String, String)] {
        var query: [(String, String)] = [("username", config.username), ("password", config.password)]
        if let from = config.from { query.append(("from", from)) }
        query.append(("to", message.to))
        query.append(("text", text ?? message.text))
        switch message.analysis.encoding {
        case .gsm7: query.append(("coding", "0"))
        case .ucs2: query.append(("coding", "2"))
        }
        query.append(("charset", "UTF-8"))
        if config.dlrMask > 0 {
            query.append(("dlr-mask", "\(config.dlrMask)"))
            query.append(("dlr-url", dlrURL(deliveryID: message.deliveryID, part: part)))
        }
        return query
    }

    /// The encoded query string of every `sendsms` request the message takes, in order: one for a
    /// single SMS, one per part (with its `udh`) for a longer text.
    public func queries(_ message: SMSOutgoing) -> [String] {
        let parts = SMSSegments(message.text, analysis: message.analysis).parts
        guard parts.count > 1 else { return [FormURLEncoding.encode(queryParameters(message))] }
        let reference = SMSConcatenationHeader.reference(forDelivery: message.deliveryID)
        return parts.enumerated().map { offset, text in
            let part = ReceiptReport.Part(index: offset + 1, count: parts.count)
            let header = SMSConcatenationHeader(reference: reference, total: UInt8(clamping: parts.count), sequence: UInt8(clamping: offset + 1))
            return FormURLEncoding.encode(queryParameters(message, text: text, part: part)) + "&udh=" + FormURLEncoding.encode(bytes: header.bytes)
        }
    }

    /// Sends the message (every part of it, in order) and classifies each answer with
    /// ``KannelResultClassifier``.
    ///
    /// When a later part fails after earlier ones were accepted, the failure is scoped to the
    /// message: another provider would send the accepted parts a second time under another
    /// reference. A retry sends every part again under the same reference, so a handset that
    /// holds the earlier parts replaces them, and their reports count once (same part, same status).
    public func send(_ message: SMSOutgoing) async -> Result<DeliveryReceipt, SMSProviderFailure> {
        let queries = queries(message)
        var accepted: [DeliveryReceipt] = []
        for query in queries {
            let request: CurlHTTPRequest
            do {
                request = try CurlHTTPRequest(method: "GET", url: config.sendsmsURL + "?" + query)
            } catch {
                // The error names the field only; the URL (with the password) is never echoed.
                return .failure(SMSProviderFailure(
                    DeliveryError(disposition: .permanent, provider: name, detail: "cannot build the Kannel request: \(error)"), scope: .provider))
            }
            let result = await driver.perform(CurlTransfer(.http(request), connectTimeout: connectTimeout, timeout: timeout, caFile: caFile))
            switch KannelResultClassifier.classify(result, provider: name, now: clock.now(), keys: configKeys) {
            case .success(let receipt):
                accepted.append(receipt)
            case .failure(var failure):
                if !accepted.isEmpty {
                    failure.scope = .message
                    failure.error.detail = "part \(accepted.count + 1) of \(queries.count) refused after \(accepted.count) accepted: \(failure.error.detail)"
                }
                return .failure(failure)
            }
        }
        guard var receipt = accepted.last else {
            return .failure(SMSProviderFailure(DeliveryError(disposition: .permanent, provider: name, detail: "empty message"), scope: .message))
        }
        if accepted.count > 1 {
            receipt.detail = "\(accepted.count) parts: \(receipt.detail)"
        }
        return .success(receipt)
    }
}
