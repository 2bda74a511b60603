import AccoladeChannels
import AccoladeCore
import AccoladeCurl
import Testing

@Suite struct SMTPResultClassifierTests {
    private func classify(curl: Int, reply: Int, line: String? = nil) -> Result<DeliveryReceipt, DeliveryError> {
        SMTPResultClassifier.classify(CurlResult(curlCode: curl, curlError: curl == 0 ? "" : "curl says \(curl)", responseCode: reply, lastReplyLine: line), provider: "smtp")
    }

    @Test func successIsAReceiptWithQueueID() throws {
        let receipt = try classify(curl: 0, reply: 250, line: "250 2.0.0 Ok: queued as 4BX9f22Lz").get()
        #expect(receipt.code == "250")
        #expect(receipt.detail == "250 2.0.0 Ok: queued as 4BX9f22Lz")
        #expect(receipt.providerMessageID == "4BX9f22Lz")
        #expect(receipt.provider == "smtp")
    }

    @Test(arguments: [
        (55, 451, "retry", "451"), (55, 452, "retry", "452"), (8, 421, "retry", "421"),
        (55, 550, "permanent", "550"), (8, 554, "permanent", "554"), (67, 535, "misconfigured", "535"),
        (7, 0, "retry", "curl:7"), (28, 0, "retry", "curl:28"), (28, 250, "retry", "curl:28"), (56, 0, "retry", "curl:56"),
        (52, 0, "retry", "curl:52"), (35, 0, "retry", "curl:35"), (67, 0, "misconfigured", "curl:67"),
        (64, 250, "misconfigured", "curl:64"), (60, 0, "misconfigured", "curl:60"), (77, 0, "misconfigured", "curl:77"),
        (58, 0, "misconfigured", "curl:58"), (3, 0, "permanent", "curl:3"), (99, 0, "retry", "curl:99"),
    ])
    func classification(curl: Int, reply: Int, expected: String, code: String) {
        guard case .failure(let error) = classify(curl: curl, reply: reply, line: reply == 0 ? nil : "\(reply) some text") else {
            Issue.record("expected a failure")
            return
        }
        switch (expected, error.disposition) {
        case ("retry", .retry(after: nil)), ("permanent", .permanent), ("misconfigured", .misconfigured): break
        default: Issue.record("curl \(curl) reply \(reply): got \(error.disposition), expected \(expected)")
        }
        #expect(error.code == code)
    }

    @Test func permanentCarriesReplyText() {
        guard case .failure(let error) = classify(curl: 55, reply: 550, line: "550 5.1.1 <ana@example.com>: User unknown") else {
            Issue.record("expected failure")
            return
        }
        #expect(error.detail == "550 5.1.1 <ana@example.com>: User unknown")
    }

    @Test func configurationErrorsSaySoAndLeakNoSecrets() {
        guard case .failure(let login) = classify(curl: 67, reply: 0),
              case .failure(let tls) = classify(curl: 64, reply: 250, line: "250 HELP") else {
            Issue.record("expected failures")
            return
        }
        #expect(login.detail.contains("smtp.password"))
        #expect(tls.detail.contains("STARTTLS"))
    }

    /// Configuration faults name the key to fix (the worker pauses the channel and logs it).
    @Test(arguments: [
        (67, 535, "535 5.7.8 Authentication credentials invalid", "channels.email.smtp.password"),
        (67, 0, "", "channels.email.smtp.password"),
        (8, 530, "530 5.7.0 Authentication required", "channels.email.smtp.username"),
        (8, 530, "530 Must issue a STARTTLS command first", "channels.email.smtp.starttls"),
        (8, 538, "538 5.7.11 Encryption required for requested authentication mechanism", "channels.email.smtp.starttls"),
        (64, 250, "250 HELP", "channels.email.smtp.starttls"),
        (77, 0, "", "channels.email.smtp.ca_file"),
    ])
    func configurationFaultsNameTheKey(curl: Int, reply: Int, line: String, key: String) {
        guard case .failure(let error) = classify(curl: curl, reply: reply, line: line.isEmpty ? nil : line) else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.disposition == .misconfigured(key: key))
        #expect(error.detail.contains(key))
    }

    /// libcurl 7.88 answers 60 for an untrusted, an expired and a wrong-host certificate alike
    /// (measured against a throw-away CA); only the host-name case is fixed in the URL.
    @Test(arguments: [
        ("SSL certificate problem: self-signed certificate", "channels.email.smtp.ca_file"),
        ("SSL certificate problem: unable to get local issuer certificate", "channels.email.smtp.ca_file"),
        ("SSL certificate problem: certificate has expired", "channels.email.smtp.ca_file"),
        ("SSL: no alternative certificate subject name matches target host name '127.0.0.1'", "channels.email.smtp.url"),
    ])
    func rejectedCertificatesPointAtTheCAFileOrTheURL(text: String, key: String) {
        let result = CurlResult(curlCode: CurlResult.Code.peerFailedVerification, curlError: text)
        guard case .failure(let error) = SMTPResultClassifier.classify(result, provider: "smtp") else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.disposition == .misconfigured(key: key))
        #expect(error.code == "curl:60")
        #expect(error.detail.contains(text))
    }

    @Test func keysFollowTheGivenSection() {
        let keys = ProviderConfigKeys(section: "channels.email.relay", urlName: "url")
        guard case .failure(let error) = SMTPResultClassifier.classify(CurlResult(curlCode: 67, responseCode: 535), provider: "smtp", keys: keys) else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.disposition == .misconfigured(key: "channels.email.relay.password"))
    }
}
