import AccoladeCurl
import AccoladeTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `accolade serve` against a real Kannel (bearerbox, smsbox, fakesmsc): the SMS reaches the
/// handset, Kannel's delivery report comes back through the DLR webhook and marks the delivery
/// delivered; a STOP reply (MO through the sms-service get-url) suppresses the number, so the
/// next SMS ends `skipped` without reaching Kannel, and START lifts it.
@Suite(.serialized, .enabled(if: KannelTestCluster.binariesPresent, "needs kannel and kannel-extras (scripts/setup.sh)"))
struct SMSKannelEndToEndTests {
    static let inboundToken = "kannel-mo-0123456789abcdef"
    static let number = "+6281234567890"

    func post(_ driver: CurlMultiDriver, port: Int, key: String, data: String = EmailEndToEndTests.rewardData) async throws -> String {
        let body = #"{"template":"reward-earned","to":{"phone":"\#(Self.number)","name":"Ana"},"channels":["sms"],"idempotency_key":"\#(key)","data":\#(data)}"#
        let request = try CurlHTTPRequest(
            method: "POST", url: "http://127.0.0.1:\(port)/v1/messages",
            headers: [CurlHeader("Content-Type", "application/json")], body: Array(body.utf8))
        let r = await driver.perform(CurlTransfer(.http(request), connectTimeout: .seconds(2), timeout: .seconds(20)))
        #expect(r.responseCode == 202, "\(r.bodyText)")
        let object = try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any]
        return try #require(object?["id"] as? String)
    }

    func message(_ driver: CurlMultiDriver, port: Int, message: String) async throws -> [String: Any]? {
        let request = try CurlHTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)/v1/messages/\(message)", headers: [], body: [])
        let r = await driver.perform(CurlTransfer(.http(request), connectTimeout: .seconds(2), timeout: .seconds(10)))
        return try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any]
    }

    func delivery(_ driver: CurlMultiDriver, port: Int, message id: String) async throws -> [String: Any]? {
        (try await message(driver, port: port, message: id)?["deliveries"] as? [[String: Any]])?.first
    }

    func waitForState(_ driver: CurlMultiDriver, port: Int, message: String, _ state: String) async throws -> [String: Any]? {
        // Generous: under the parallel suite Kannel's DLR round trip was once slower than 30 s.
        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline {
            if let d = try await delivery(driver, port: port, message: message), d["state"] as? String == state { return d }
            try await Task.sleep(for: .milliseconds(100))  // polling other processes, not timing logic
        }
        return try await delivery(driver, port: port, message: message)
    }

    func suppressed(_ ws: Workspace) throws -> [[String: Any]] {
        (try ws.call(["suppress", "list", "--channel", "sms", "--json"]).json() as? [[String: Any]]) ?? []
    }

    @Test func dlrMarksDeliveredAndStopSuppressesTheNextSMS() async throws {
        let port = try FreePort.pick()
        let kannel = try KannelTestCluster(moURL: "http://127.0.0.1:\(port)/v1/webhooks/kannel/inbound?token=\(Self.inboundToken)")
        defer { kannel.stop() }
        let ws = try Workspace(
            smtpPort: 9,
            channels: """
                  sms:
                    providers:
                      - name: gateway
                        type: kannel
                        sendsms_url: \(kannel.sendsmsURL)
                        username: \(kannel.username)
                        password: \(kannel.password)
                        from: "12345"
                        inbound_token: \(Self.inboundToken)
                """,
            extra: """
                server:
                  listen: 127.0.0.1:\(port)
                  public_url: http://127.0.0.1:\(port)
                """)
        let (serve, servePort) = try ServeEndToEndTests.startServe(ws, listen: "127.0.0.1:\(port)")
        defer { if serve.isRunning { serve.terminate() } }
        #expect(servePort == port)
        let driver = CurlMultiDriver()

        // 1. Sent through Kannel to the handset; the DLR comes back through serve: delivered.
        let first = try await post(driver, port: port, key: "e2e-sms-1")
        let delivered = try await waitForState(driver, port: port, message: first, "delivered")
        #expect(delivered?["state"] as? String == "delivered", "\(String(describing: delivered)) \(ws.output(of: serve).stderr)")
        let texts = FakeSMSCMessage.texts(try await kannel.waitForMessages(1))
        #expect(texts.count == 1)
        #expect(texts.first?.contains("Ana") == true, "\(texts)")

        // 1b. A text longer than one SMS, with emoji (UCS-2): Accolade splits it between
        // characters, fakesmsc gets the parts preview counts, every part's report is kept, and
        // the delivery is delivered once all of them are.
        let before = kannel.received().count
        let program = String(repeating: "Kudos 🎉 Awards ", count: 9)
        let long = try await post(driver, port: port, key: "e2e-sms-long", data: EmailEndToEndTests.rewardData.replacingOccurrences(of: "Kudos Awards", with: program))
        let longDelivered = try await waitForState(driver, port: port, message: long, "delivered")
        #expect(longDelivered?["state"] as? String == "delivered", "\(String(describing: longDelivered))")
        let parts = Array(try await kannel.waitForMessages(before + 3).dropFirst(before))
        let longTexts = FakeSMSCMessage.texts(parts, ucs2Parts: true)
        #expect(longTexts.count == 1 && longTexts.first?.hasPrefix(program) == true, "\(longTexts)")
        let receipts = (try await message(driver, port: port, message: long)?["receipts"] as? [[String: Any]]) ?? []
        let count = parts.count
        #expect(count >= 3)
        let deliveredParts = Set(receipts.filter { $0["status"] as? String == "delivered" }.compactMap { $0["part"] as? Int })
        #expect(deliveredParts == Set(1...max(1, count)), "\(receipts)")
        #expect(receipts.allSatisfy { $0["parts"] as? Int == count })

        // 2. The handset answers STOP: the number is suppressed, the next SMS is skipped unsent.
        try kannel.sendMO(from: Self.number, text: "STOP")
        #expect(try eventually { try suppressed(ws).contains { $0["address"] as? String == Self.number } })
        #expect(try suppressed(ws).first?["source"] as? String == "inbound:kannel")
        let second = try await post(driver, port: port, key: "e2e-sms-2")
        let skipped = try await waitForState(driver, port: port, message: second, "skipped")
        #expect(skipped?["state"] as? String == "skipped")
        #expect((skipped?["last_error"] as? String)?.contains("replied STOP") == true, "\(String(describing: skipped))")
        #expect(kannel.received().count == texts.count + count, "a suppressed number reached Kannel")

        // 3. START lifts it.
        try kannel.sendMO(from: Self.number, text: "START")
        #expect(try eventually { try suppressed(ws).isEmpty })

        await driver.shutdown()
        kill(serve.processIdentifier, SIGTERM)
        serve.waitUntilExit()
        #expect(serve.terminationStatus == 0, "\(ws.output(of: serve).stderr)")
    }
}
