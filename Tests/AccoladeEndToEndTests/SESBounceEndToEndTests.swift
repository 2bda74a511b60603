import AccoladeCurl
import AccoladeTestSupport
import Foundation
import Testing

/// Amazon SES bounces through the binary: the relay answers `250 Ok <id>` as SES does, SNS
/// notifications signed with a throw-away CA's certificate come to `POST /v1/webhooks/ses`, the
/// certificate is fetched from a loopback HTTPS stand-in, and the address ends up suppressed.
@Suite(.serialized) struct SESBounceEndToEndTests {
    static let topic = "arn:aws:sns:eu-west-1:123456789012:ses-feedback"
    static let sesID = "0100018c5d2e3f4a-1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901-000000"

    @Test("POST /v1/webhooks/ses: subscription confirmed, forged and foreign messages refused, a signed bounce suppresses")
    func sesBounce() async throws {
        let certs = try TestCertificates()
        let scratch = try TemporaryDirectory()
        let requestLog = scratch.url.appendingPathComponent("sns.log").path
        let sns = try TestServer.python("sns_standin.py", ["--pem", certs.snsSigning, "--log", requestLog, "--tls-cert", certs.trusted, "--tls-key", certs.key])
        defer { sns.stop() }
        let relay = try TestServer.python("smtp_scripted.py", ["--script", #"{"END": ["250 Ok \#(Self.sesID)"]}"#])
        defer { relay.stop() }
        let ws = try Workspace(
            smtpPort: relay.port,
            extra: """
                bounces:
                  ses:
                    topic_arns: [\(Self.topic)]
                    certificate_hosts: ["127.0.0.1:*"]
                    ca_file: \(certs.ca)
                """)
        let sent = try ws.call(["send", "reward-earned", "--to", "ana@example.com", "--data", EmailEndToEndTests.rewardData, "--json"])
        #expect(sent.status == 0, "\(sent.stderr)")
        let id = try #require((try sent.json() as? [String: Any])?["id"] as? String)
        #expect(try ws.call(["worker", "--drain"]).status == 0)

        let (serve, port) = try ServeEndToEndTests.startServe(ws, extra: ["--no-worker"])
        defer { if serve.isRunning { serve.terminate() } }
        let driver = CurlMultiDriver()
        func post(_ body: [UInt8]) async throws -> (Int, String) {
            let request = try CurlHTTPRequest(
                method: "POST", url: "http://127.0.0.1:\(port)/v1/webhooks/ses",
                headers: [CurlHeader("Content-Type", "text/plain; charset=UTF-8"), CurlHeader("x-amz-sns-message-type", "Notification")], body: body)
            let result = await driver.perform(CurlTransfer(.http(request), connectTimeout: .seconds(2), timeout: .seconds(20)))
            guard result.isSuccess else { throw TestFailure("no HTTP answer: \(result.curlError)") }
            return (result.responseCode, result.bodyText)
        }
        let signer = try SNSTestSigner(keyFile: certs.snsSigningKey, certificateURL: "https://127.0.0.1:\(sns.port)/SimpleNotificationService-test.pem")
        let subscribe = "https://127.0.0.1:\(sns.port)/?Action=ConfirmSubscription&TopicArn=\(Self.topic)&Token=2336412f37"
        let (confirmed, _) = try await post(try signer.confirmation(topic: Self.topic, subscribeURL: subscribe))
        #expect(confirmed == 200)
        let fetched = try String(contentsOfFile: requestLog, encoding: .utf8)
        #expect(fetched.contains("GET /SimpleNotificationService-test.pem") && fetched.contains("Action=ConfirmSubscription"), "\(fetched)")

        let bounce = SESSamples.bounce(messageID: Self.sesID, address: "ana@example.com")
        let foreign = try await post(try signer.notification(topic: "arn:aws:sns:eu-west-1:999999999999:other", message: bounce))
        #expect(foreign.0 == 403, "\(foreign.1)")
        // Signed for one message, carrying another.
        var forged = try JSONSerialization.jsonObject(with: Data(try signer.notification(topic: Self.topic, message: "{}"))) as! [String: String]
        forged["Message"] = bounce
        let refused = try await post(Array(try JSONSerialization.data(withJSONObject: forged)))
        #expect(refused.0 == 403 && refused.1.contains("signature"), "\(refused.1)")
        #expect(try ws.call(["suppress", "list", "--channel", "email"]).stdout.contains("ana@example.com") == false)

        let (status, body) = try await post(try signer.notification(topic: Self.topic, message: bounce, subject: "Amazon SES Email Event Notification"))
        #expect(status == 200 && body.contains("\"kind\":\"hard\"") && body.contains("\"suppressed\":true"), "\(body)")
        await driver.shutdown()
        serve.terminate()
        serve.waitUntilExit()
        let view = try #require(try ws.call(["status", id, "--json"]).json() as? [String: Any])
        let deliveries = view["deliveries"] as? [[String: Any]] ?? []
        #expect(deliveries.compactMap { $0["state"] as? String } == ["failed"], "\(deliveries)")
        #expect(deliveries.first?["provider_message_id"] as? String == Self.sesID, "\(deliveries)")
        let list = try ws.call(["suppress", "list", "--channel", "email"])
        #expect(list.stdout.contains("ana@example.com") && list.stdout.contains("hard bounce 5.1.1"), "\(list.stdout)")
        // One certificate fetch served all three signed messages.
        let pemFetches = try String(contentsOfFile: requestLog, encoding: .utf8).components(separatedBy: ".pem").count - 1
        #expect(pemFetches == 1)
    }
}
