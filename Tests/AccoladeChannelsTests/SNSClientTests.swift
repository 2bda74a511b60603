import AccoladeCore
import AccoladeCurl
import AccoladeTestSupport
import Foundation
import Logging
import Testing

@testable import AccoladeChannels

/// `SNSClient` against a loopback HTTPS stand-in serving a signing certificate made by a
/// throw-away CA: signatures checked (both versions), certificates fetched once, and nothing
/// fetched from a host the configuration does not allow.
@Suite(.serialized) struct SNSClientTests {
    static let topic = "arn:aws:sns:eu-west-1:123456789012:ses-feedback"
    let certs: TestCertificates
    let log: TemporaryDirectory

    init() throws {
        certs = try TestCertificates()
        log = try TemporaryDirectory()
    }

    var logFile: String { log.url.appendingPathComponent("requests.log").path }

    func standin(pem: String? = nil) throws -> TestServer {
        try TestServer.python("sns_standin.py", ["--pem", pem ?? certs.snsSigning, "--log", logFile, "--tls-cert", certs.trusted, "--tls-key", certs.key])
    }

    func requests() -> [String] {
        ((try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    func client(_ driver: CurlMultiDriver, caFile: String?, clock: any WallClock = SystemWallClock()) -> SNSClient {
        let settings = SESBouncesConfig(topicARNs: [Self.topic], certificateHosts: [SNSHostPattern("127.0.0.1:*")!], caFile: caFile)
        return SNSClient(settings: settings, driver: driver, clock: clock, logger: Logger(label: "test"))
    }

    func envelope(_ body: [UInt8]) throws -> SNSEnvelope { try SNSEnvelope.parse(body) }

    @Test("signatures of both versions verify; the certificate is fetched once; a changed message or subject fails")
    func verifies() async throws {
        let server = try standin()
        defer { server.stop() }
        let driver = CurlMultiDriver()
        let sns = client(driver, caFile: certs.ca)
        let signer = try SNSTestSigner(keyFile: certs.snsSigningKey, certificateURL: "https://127.0.0.1:\(server.port)/SimpleNotificationService-test.pem")
        let message = SESSamples.bounce(messageID: "0100018c-aaaa", address: "ana@example.com")
        try await sns.verify(try envelope(try signer.notification(topic: Self.topic, message: message, version: "2")))
        try await sns.verify(try envelope(try signer.notification(topic: Self.topic, message: message, subject: "Bounce", version: "1")))
        #expect(await sns.fetches == 1)
        #expect(requests() == ["GET /SimpleNotificationService-test.pem"])
        var forged = try envelope(try signer.notification(topic: Self.topic, message: message, subject: "Bounce"))
        forged.message = SESSamples.bounce(messageID: "0100018c-aaaa", address: "someone-else@example.com")
        await #expect(throws: SNSVerificationError.badSignature) { try await sns.verify(forged) }
        var unsigned = try envelope(try signer.notification(topic: Self.topic, message: message, subject: "Bounce"))
        unsigned.subject = nil
        await #expect(throws: SNSVerificationError.badSignature) { try await sns.verify(unsigned) }
        // A version-1 signature presented as version 2.
        var relabelled = try envelope(try signer.notification(topic: Self.topic, message: message, version: "1"))
        relabelled.signatureVersion = "2"
        await #expect(throws: SNSVerificationError.badSignature) { try await sns.verify(relabelled) }
        await driver.shutdown()
    }

    @Test("messages arriving together for a new certificate wait for one fetch")
    func oneFetchForConcurrentMessages() async throws {
        let server = try standin()
        defer { server.stop() }
        let driver = CurlMultiDriver()
        let sns = client(driver, caFile: certs.ca)
        let signer = try SNSTestSigner(keyFile: certs.snsSigningKey, certificateURL: "https://127.0.0.1:\(server.port)/SimpleNotificationService-test.pem")
        let envelopes = try (0..<8).map { i in
            try envelope(try signer.notification(topic: Self.topic, message: SESSamples.bounce(messageID: "0100018c-\(i)", address: "ana@example.com")))
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for e in envelopes { group.addTask { try await sns.verify(e) } }
            try await group.waitForAll()
        }
        #expect(await sns.fetches == 1)
        #expect(requests() == ["GET /SimpleNotificationService-test.pem"])
        await driver.shutdown()
    }

    @Test("a certificate URL on another host, over http or not a .pem is refused without a request")
    func refusesUntrustedURLs() async throws {
        let server = try standin()
        defer { server.stop() }
        let driver = CurlMultiDriver()
        let sns = client(driver, caFile: certs.ca)
        for url in [
            "https://localhost:\(server.port)/cert.pem", "http://127.0.0.1:\(server.port)/cert.pem", "https://127.0.0.1:\(server.port)/cert.txt",
        ] {
            let signer = try SNSTestSigner(keyFile: certs.snsSigningKey, certificateURL: url)
            let body = try signer.notification(topic: Self.topic, message: "{}")
            await #expect(throws: SNSVerificationError.untrustedURL(field: "SigningCertURL", url: url)) { try await sns.verify(try envelope(body)) }
        }
        #expect(requests().isEmpty)
        await driver.shutdown()
    }

    @Test("an untrusted TLS certificate is a transient failure; an EC or expired signing certificate is refused")
    func certificateProblems() async throws {
        let server = try standin()
        defer { server.stop() }
        let driver = CurlMultiDriver()
        let signer = try SNSTestSigner(keyFile: certs.snsSigningKey, certificateURL: "https://127.0.0.1:\(server.port)/cert.pem")
        let body = try envelope(try signer.notification(topic: Self.topic, message: "{}"))
        do throws(SNSVerificationError) {
            try await client(driver, caFile: nil).verify(body)
            Issue.record("a certificate served over untrusted TLS was used")
        } catch {
            guard case .certificateUnavailable = error else { throw error }
            #expect(error.isTransient)
        }
        let later = ManualClock(Date().addingTimeInterval(40 * 86_400))
        do throws(SNSVerificationError) {
            try await client(driver, caFile: certs.ca, clock: later).verify(body)
            Issue.record("an expired signing certificate was accepted")
        } catch {
            guard case .badCertificate(let why) = error else { throw error }
            #expect(why.contains("not now") && !error.isTransient)
        }
        let ec = try standin(pem: certs.trusted)
        defer { ec.stop() }
        let ecSigner = try SNSTestSigner(keyFile: certs.snsSigningKey, certificateURL: "https://127.0.0.1:\(ec.port)/cert.pem")
        await #expect(throws: SNSVerificationError.badCertificate("its key is not RSA")) {
            try await client(driver, caFile: certs.ca).verify(try envelope(try ecSigner.notification(topic: Self.topic, message: "{}")))
        }
        await driver.shutdown()
    }

    @Test("a subscription is confirmed by a GET of SubscribeURL, only on an allowed host")
    func confirms() async throws {
        let server = try standin()
        defer { server.stop() }
        let driver = CurlMultiDriver()
        let sns = client(driver, caFile: certs.ca)
        let signer = try SNSTestSigner(keyFile: certs.snsSigningKey, certificateURL: "https://127.0.0.1:\(server.port)/cert.pem")
        let subscribe = "https://127.0.0.1:\(server.port)/?Action=ConfirmSubscription&TopicArn=\(Self.topic)&Token=2336412f37"
        let confirmation = try envelope(try signer.confirmation(topic: Self.topic, subscribeURL: subscribe))
        try await sns.verify(confirmation)
        try await sns.confirmSubscription(confirmation)
        #expect(requests().last == "GET /?Action=ConfirmSubscription&TopicArn=\(Self.topic)&Token=2336412f37")
        let elsewhere = try envelope(try signer.confirmation(topic: Self.topic, subscribeURL: "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription"))
        await #expect(throws: SNSVerificationError.self) { try await sns.confirmSubscription(elsewhere) }
        #expect(requests().count == 2)
        await driver.shutdown()
    }

    @Test("the relay's id is read from Postfix's and Amazon SES's 250 replies, not from other 250s")
    func relayIDs() {
        #expect(SMTPResultClassifier.queueID("250 2.0.0 Ok: queued as 4BX9f22Lz") == "4BX9f22Lz")
        #expect(SMTPResultClassifier.queueID("250 Ok 0100018c5d2e3f4a-1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901-000000\r\n")
            == "0100018c5d2e3f4a-1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901-000000")
        #expect(SMTPResultClassifier.queueID("250 OK") == nil)
        #expect(SMTPResultClassifier.queueID("250 2.0.0 OK  1733543211 d2e1a72fcca58-725 - gsmtp") == nil)
        #expect(SMTPResultClassifier.queueID("250 Ok short") == nil)
    }
}
