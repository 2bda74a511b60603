/// What the SES webhook needs from the network: checking an SNS message's signature against the
/// certificate it names, and confirming a subscription. Implemented over libcurl in
/// `AccoladeChannels` (`SNSClient`); tests may pass a double.
public protocol SNSGateway: Sendable {
    /// Checks `envelope`'s signature with the certificate at its `SigningCertURL` (fetched only
    /// from an allowed host, and cached). Throws ``SNSVerificationError``.
    func verify(_ envelope: SNSEnvelope) async throws(SNSVerificationError)
    /// Confirms a subscription: GET of its `SubscribeURL` (only an allowed host). Throws
    /// ``SNSVerificationError``.
    func confirmSubscription(_ envelope: SNSEnvelope) async throws(SNSVerificationError)
}

/// Why an SNS message was not accepted, and whether SNS should try again.
public enum SNSVerificationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `SigningCertURL` or `SubscribeURL` is not an allowed HTTPS URL (`bounces.ses.certificate_hosts`).
    case untrustedURL(field: String, url: String)
    /// The certificate could not be fetched (network, TLS, HTTP status): worth a retry.
    case certificateUnavailable(String)
    /// The certificate is not a usable RSA certificate, or is outside its validity period.
    case badCertificate(String)
    /// The signature does not match the message.
    case badSignature
    /// The GET of `SubscribeURL` failed: worth a retry.
    case confirmationFailed(String)

    /// Whether SNS should deliver the message again later (answer 5xx) rather than give up (4xx).
    public var isTransient: Bool {
        switch self {
        case .certificateUnavailable, .confirmationFailed: true
        case .untrustedURL, .badCertificate, .badSignature: false
        }
    }

    /// What went wrong (never a secret: SNS messages carry none).
    public var description: String {
        switch self {
        case .untrustedURL(let field, let url):
            "\(field) \(url) is not an https URL on a host allowed by bounces.ses.certificate_hosts; refused without fetching it"
        case .certificateUnavailable(let why): "the SNS signing certificate could not be fetched: \(why)"
        case .badCertificate(let why): "the SNS signing certificate is not usable: \(why)"
        case .badSignature: "the SNS signature does not match the message"
        case .confirmationFailed(let why): "the subscription could not be confirmed: \(why)"
        }
    }
}
