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
        (55, 550, "permanent", "550"), (8, 554, "permanent", "554"), (67, 535, "permanent", "535"),
        (7, 0, "retry", "curl:7"), (28, 0, "retry", "curl:28"), (28, 250, "retry", "curl:28"), (56, 0, "retry", "curl:56"),
        (52, 0, "retry", "curl:52"), (35, 0, "retry", "curl:35"), (67, 0, "permanent", "curl:67"),
        (64, 250, "permanent", "curl:64"), (60, 0, "permanent", "curl:60"), (3, 0, "permanent", "curl:3"), (99, 0, "retry", "curl:99"),
    ])
    func classification(curl: Int, reply: Int, expected: String, code: String) {
        guard case .failure(let error) = classify(curl: curl, reply: reply, line: reply == 0 ? nil : "\(reply) some text") else {
            Issue.record("expected a failure")
            return
        }
        switch (expected, error.disposition) {
        case ("retry", .retry(after: nil)), ("permanent", .permanent): break
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
}
