import AccoladeChannels
import AccoladeCore
import AccoladeCurl
import Foundation
import Testing

/// Twilio and Kannel answers → receipts and classified failures, row by row of the tables in
/// `TwilioResultClassifier` and `KannelResultClassifier`.
struct SMSClassificationTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func twilio(_ status: Int, _ body: String, headers: [CurlHeader] = []) -> Result<DeliveryReceipt, SMSProviderFailure> {
        TwilioResultClassifier.classify(CurlResult(curlCode: 0, responseCode: status, headers: headers, body: Array(body.utf8)), provider: "tw", now: now)
    }

    func twilioError(_ status: Int, _ code: Int, headers: [CurlHeader] = []) -> SMSProviderFailure? {
        guard case .failure(let f) = twilio(status, #"{"code":\#(code),"message":"m","more_info":"https://www.twilio.com/docs/errors/\#(code)","status":\#(status)}"#, headers: headers) else { return nil }
        return f
    }

    @Test func twilioCreatedIsAReceiptWithTheSid() throws {
        let result = twilio(201, #"{"sid":"SM0123456789abcdef0123456789abcdef","status":"queued","num_segments":"1","error_code":null}"#)
        let receipt = try result.get()
        #expect(receipt == DeliveryReceipt(provider: "tw", providerMessageID: "SM0123456789abcdef0123456789abcdef", code: "201", detail: "queued"))
        guard case .failure(let f) = twilio(200, "<html>proxy</html>") else { Issue.record("no sid must not be a receipt"); return }
        #expect(f.scope == .provider)
    }

    @Test func twilioErrorTable() throws {
        let table: [(Int, Int, DeliveryDisposition, SMSProviderFailure.Scope)] = [
            (429, 20429, .rateLimited(after: .seconds(7)), .provider),
            (401, 20003, .misconfigured(key: "channels.sms.providers[tw].auth_token"), .provider),
            (404, 20404, .misconfigured(key: "channels.sms.providers[tw].account_sid"), .provider),
            (400, 21606, .permanent, .provider),
            (400, 21211, .permanent, .message),
            (400, 21614, .permanent, .message),
            (400, 21617, .permanent, .message),
            (400, 21610, .suppressed, .message),
            (400, 21612, .permanent, .route),
            (400, 21408, .permanent, .route),
            (400, 30001, .rateLimited(after: .seconds(7)), .provider),
            (400, 30003, .retry(after: .seconds(7)), .message),
            (400, 30005, .permanent, .message),
            (500, 20500, .retry(after: .seconds(7)), .provider),
            (503, 20503, .rateLimited(after: .seconds(7)), .provider),
        ]
        for (status, code, disposition, scope) in table {
            let f = try #require(twilioError(status, code, headers: [CurlHeader("retry-after", "7")]))
            #expect(f.error.disposition == disposition, "\(code)")
            #expect(f.scope == scope, "\(code)")
            #expect(f.error.code == "\(code)")
            #expect(f.error.provider == "tw")
        }
        let opted = try #require(twilioError(400, 21610))
        #expect(opted.error.detail == "recipient replied STOP (opted out): m")
        // No Retry-After: the worker's backoff decides.
        #expect(try #require(twilioError(429, 20429)).error.disposition == .rateLimited(after: nil))
        // A bare 502 from a proxy: transient, provider's fault.
        guard case .failure(let gateway) = twilio(502, "Bad Gateway") else { Issue.record("a 502 was accepted"); return }
        #expect(gateway.error.disposition == .retry(after: nil) && gateway.scope == .provider && gateway.error.code == "502")
    }

    @Test func transportFailures() {
        guard case .failure(let refused) = TwilioResultClassifier.classify(
            CurlResult(curlCode: CurlResult.Code.couldntConnect, curlError: "Failed to connect to 127.0.0.1 port 9: Connection refused"), provider: "tw", now: now)
        else { Issue.record(); return }
        #expect(refused.error.disposition == .retry(after: nil) && refused.scope == .provider && refused.error.code == "curl:7")
        guard case .failure(let tls) = TwilioResultClassifier.classify(CurlResult(curlCode: CurlResult.Code.peerFailedVerification), provider: "tw", now: now)
        else { Issue.record(); return }
        #expect(tls.error.disposition == .misconfigured(key: "channels.sms.providers[tw].ca_file") && tls.scope == .provider)
    }

    /// Configuration faults name the key under the provider's index when built from the config.
    @Test func configurationFaultsNameTheProvidersKeys() throws {
        let keys = ProviderConfigKeys.twilio(index: 1)
        func twilio(_ result: CurlResult) -> SMSProviderFailure? {
            guard case .failure(let f) = TwilioResultClassifier.classify(result, provider: "tw", now: now, keys: keys) else { return nil }
            return f
        }
        let body = #"{"code":20003,"message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401}"#
        let auth = try #require(twilio(CurlResult(curlCode: 0, responseCode: 401, body: Array(body.utf8))))
        #expect(auth.error.disposition == .misconfigured(key: "channels.sms.providers[1].auth_token"))
        #expect(auth.error.detail.contains("channels.sms.providers[1].auth_token") && auth.error.code == "20003")
        // A 401 without Twilio's body (a proxy in front) is still refused credentials.
        #expect(try #require(twilio(CurlResult(curlCode: 0, responseCode: 401))).error.disposition == .misconfigured(key: "channels.sms.providers[1].auth_token"))
        // 404 without a Twilio code: base_url points at something that is not Twilio's API.
        #expect(try #require(twilio(CurlResult(curlCode: 0, responseCode: 404, body: Array("Not Found".utf8)))).error.disposition
            == .misconfigured(key: "channels.sms.providers[1].base_url"))
        let cases: [(Int, String, String)] = [
            (60, "SSL certificate problem: self-signed certificate", "ca_file"),
            (60, "SSL certificate problem: certificate has expired", "ca_file"),
            (60, "SSL: no alternative certificate subject name matches target host name 'localhost'", "base_url"),
            (77, "error setting certificate file: /etc/accolade/ca.pem", "ca_file"),
            (58, "unable to set private key file", "ca_file"),
        ]
        for (curl, text, name) in cases {
            let f = try #require(twilio(CurlResult(curlCode: curl, curlError: text)))
            #expect(f.error.disposition == .misconfigured(key: "channels.sms.providers[1].\(name)"), "\(curl) \(text)")
            #expect(f.scope == .provider && f.error.code == "curl:\(curl)" && f.error.detail.contains(text))
        }
        // Everything else keeps its classification: a bad From is permanent for this provider.
        #expect(try #require(twilioError(400, 21212)).error.disposition == .permanent)

        let kannelKeys = ProviderConfigKeys.kannel(index: 0)
        guard case .failure(let refused) = KannelResultClassifier.classify(
            CurlResult(curlCode: 0, responseCode: 403, body: Array("Authorization failed for sendsms".utf8)), provider: "gw", now: now, keys: kannelKeys)
        else { Issue.record(); return }
        #expect(refused.error.disposition == .misconfigured(key: "channels.sms.providers[0].password") && refused.scope == .provider)
        guard case .failure(let tls) = KannelResultClassifier.classify(
            CurlResult(curlCode: 60, curlError: "SSL certificate problem: unable to get local issuer certificate"), provider: "gw", now: now, keys: kannelKeys)
        else { Issue.record(); return }
        #expect(tls.error.disposition == .misconfigured(key: "channels.sms.providers[0].ca_file"))
        guard case .failure(let host) = KannelResultClassifier.classify(
            CurlResult(curlCode: 60, curlError: "SSL: certificate subject name 'a' does not match target host name 'b'"), provider: "gw", now: now, keys: kannelKeys)
        else { Issue.record(); return }
        #expect(host.error.disposition == .misconfigured(key: "channels.sms.providers[0].sendsms_url"))
    }

    func kannel(_ status: Int, _ body: String) -> Result<DeliveryReceipt, SMSProviderFailure> {
        KannelResultClassifier.classify(CurlResult(curlCode: 0, responseCode: status, body: Array(body.utf8)), provider: "gw", now: now)
    }

    @Test func kannelAnswers() throws {
        #expect(try kannel(202, "0: Accepted for delivery").get() == DeliveryReceipt(provider: "gw", code: "202", detail: "0: Accepted for delivery"))
        #expect(try kannel(202, "3: Queued for later delivery").get().detail == "queued: 3: Queued for later delivery")
        #expect(try kannel(202, "Sent.").get().detail == "Sent.")
        let table: [(Int, String, DeliveryDisposition, SMSProviderFailure.Scope)] = [
            (403, "Authorization failed for sendsms", .misconfigured(key: "channels.sms.providers[gw].password"), .provider),
            (403, "Not routable. Do not try again.", .permanent, .route),
            (400, "Coding field misformed, rejected", .permanent, .route),
            (400, "Sender missing and no global set, rejected", .permanent, .route),
            (503, "Temporal failure, try again later.", .rateLimited(after: nil), .provider),
            (500, "Sending failed.", .retry(after: nil), .provider),
        ]
        for (status, body, disposition, scope) in table {
            guard case .failure(let f) = kannel(status, body) else { Issue.record("\(status) \(body) accepted"); continue }
            #expect(f.error.disposition == disposition, "\(body)")
            #expect(f.scope == scope, "\(body)")
            #expect(f.error.code == "\(status)")
        }
        guard case .failure(let auth) = kannel(403, "Authorization failed for sendsms") else { Issue.record("a 403 was accepted"); return }
        #expect(auth.error.detail.contains("check channels.sms.providers[gw].username and channels.sms.providers[gw].password"))
    }
}
