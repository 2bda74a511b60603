import AccoladeCore
import AccoladeCurl

/// Where one provider's settings live in the configuration file, so an error that only an
/// operator can fix (a rejected certificate, refused credentials) names the exact key to change.
public struct ProviderConfigKeys: Sendable, Hashable {
    /// The provider's section: `channels.email.smtp`, `channels.sms.providers[0]`, `channels.whatsapp`.
    public var section: String
    /// The name of the key holding the server's URL in that section (`url`, `base_url`, `api_base`, …).
    public var urlName: String

    /// Creates the keys of a section.
    public init(section: String, urlName: String) {
        self.section = section
        self.urlName = urlName
    }

    /// `section.name`.
    public func key(_ name: String) -> String { "\(section).\(name)" }
    /// The server URL's key.
    public var url: String { key(urlName) }
    /// The CA file's key.
    public var caFile: String { key("ca_file") }

    /// `channels.email.smtp`.
    public static let smtp = ProviderConfigKeys(section: "channels.email.smtp", urlName: "url")
    /// `channels.whatsapp`.
    public static let whatsapp = ProviderConfigKeys(section: "channels.whatsapp", urlName: "api_base")
    /// An SMS provider known only by name (built outside ``SMSChannel/make``): `channels.sms.providers[name]`.
    public static func sms(named name: String, urlName: String) -> ProviderConfigKeys {
        ProviderConfigKeys(section: "channels.sms.providers[\(name)]", urlName: urlName)
    }
    /// `channels.sms.providers[index]` of a Twilio provider.
    public static func twilio(index: Int) -> ProviderConfigKeys {
        ProviderConfigKeys(section: "channels.sms.providers[\(index)]", urlName: "base_url")
    }
    /// `channels.sms.providers[index]` of a Kannel provider.
    public static func kannel(index: Int) -> ProviderConfigKeys {
        ProviderConfigKeys(section: "channels.sms.providers[\(index)]", urlName: "sendsms_url")
    }
}

/// TLS failures that will fail every transfer to a server the same way until an operator acts:
/// shared by every classifier (SMTP, Twilio, Kannel, WhatsApp). Pure.
enum TLSConfigurationFault {
    /// The key to fix and what to do, when `result` failed on the server's certificate or on our
    /// CA file; nil for every other outcome.
    ///
    /// libcurl 7.88 with OpenSSL 3 answers `60` for an untrusted (self-signed or unknown CA), an
    /// expired and a wrong-host certificate alike; only the error text tells the host-name case
    /// apart, and that one is fixed in the URL, not with a CA file. `77` is a CA file libcurl
    /// cannot load (missing, unreadable, not PEM).
    static func classify(_ result: CurlResult, keys: ProviderConfigKeys) -> (key: String, detail: String)? {
        let text = ProviderText.transportDetail(result)
        switch result.curlCode {
        case CurlResult.Code.peerFailedVerification:
            if result.curlError.contains("target host name") {
                return (keys.url, "the server's TLS certificate is for another host name (\(text)); set \(keys.url) to a name the certificate carries, or replace the certificate")
            }
            return (keys.caFile, "the server's TLS certificate is not trusted (\(text)); if a private CA signed it, set \(keys.caFile) to that CA's PEM file; if it expired or was replaced, renew it on the server")
        case CurlResult.Code.sslCACertBadFile:
            return (keys.caFile, "cannot load the CA file (\(text)); make \(keys.caFile) a readable PEM file of CA certificates")
        case CurlResult.Code.sslCertProblem, CurlResult.Code.sslIssuerError:
            return (keys.caFile, "TLS certificate problem (\(text)); check \(keys.caFile) and the server's certificate")
        default:
            return nil
        }
    }
}

extension DeliveryError {
    /// The configuration key to fix when this error is a misconfiguration, else nil.
    var misconfiguredKey: String? {
        if case .misconfigured(let key) = disposition { return key }
        return nil
    }
}
