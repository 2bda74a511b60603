import AccoladeChannels
import AccoladeCore
import AccoladeCurl
import Foundation
import Testing

/// Twilio and Kannel answers → receipts and classified failures (spec: channels.md §2–3).
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
            (401, 20003, .permanent, .provider),
            (404, 20404, .permanent, .provider),
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
        guard case .failure(let gateway) = twilio(502, "Bad Gateway") else { return }
        #expect(gateway.error.disposition == .retry(after: nil) && gateway.scope == .provider && gateway.error.code == "502")
    }

    @Test func transportFailures() {
        guard case .failure(let refused) = TwilioResultClassifier.classify(
            CurlResult(curlCode: CurlResult.Code.couldntConnect, curlError: "Failed to connect to 127.0.0.1 port 9: Connection refused"), provider: "tw", now: now)
        else { Issue.record(); return }
        #expect(refused.error.disposition == .retry(after: nil) && refused.scope == .provider && refused.error.code == "curl:7")
        guard case .failure(let tls) = TwilioResultClassifier.classify(CurlResult(curlCode: CurlResult.Code.peerFailedVerification), provider: "tw", now: now)
        else { Issue.record(); return }
        #expect(tls.error.disposition == .permanent && tls.scope == .provider)
    }

    func kannel(_ status: Int, _ body: String) -> Result<DeliveryReceipt, SMSProviderFailure> {
        KannelResultClassifier.classify(CurlResult(curlCode: 0, responseCode: status, body: Array(body.utf8)), provider: "gw", now: now)
    }

    @Test func kannelAnswers() throws {
        #expect(try kannel(202, "0: Accepted for delivery").get() == DeliveryReceipt(provider: "gw", code: "202", detail: "0: Accepted for delivery"))
        #expect(try kannel(202, "3: Queued for later delivery").get().detail == "queued: 3: Queued for later delivery")
        #expect(try kannel(202, "Sent.").get().detail == "Sent.")
        let table: [(Int, String, DeliveryDisposition, SMSProviderFailure.Scope)] = [
            (403, "Authorization failed for sendsms", .permanent, .provider),
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
        guard case .failure(let auth) = kannel(403, "Authorization failed for sendsms") else { return }
        #expect(auth.error.detail.contains("check username and password"))
    }
}
