import AccoladeChannels
import AccoladeCore
import AccoladeCurl
import AccoladeTestSupport
import Foundation
import Testing

/// The Twilio provider against `scripts/test-servers/twilio_standin.py` on 127.0.0.1, which
/// checks method, path, basic auth and form fields against the official API shape.
@Suite(.serialized) struct TwilioStandinTests {
    static let publicURL = "https://rewards.example.com"

    struct Recorded: Decodable {
        let path: String
        let auth_ok: Bool
        let content_type: String
        let form: [String: [String]]
        let status: Int
        let code: Int?
    }

    static func standin(_ directory: TemporaryDirectory, _ name: String = "twilio", extra: [String] = []) throws -> (TestServer, String) {
        let out = directory.url.appendingPathComponent("\(name).jsonl").path
        let server = try TestServer.python(
            "twilio_standin.py",
            ["--account-sid", SMSFixtures.accountSID, "--auth-token", SMSFixtures.authToken, "--out", out, "--require-status-callback"] + extra)
        return (server, out)
    }

    static func recorded(_ path: String) throws -> [Recorded] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { try JSONDecoder().decode(Recorded.self, from: Data($0.utf8)) }
    }

    static func provider(
        port: Int, driver: CurlMultiDriver, name: String = "twilio", token: String = SMSFixtures.authToken, service: String? = nil,
        clock: any WallClock = SystemWallClock()
    ) -> TwilioSMSProvider {
        let config = TwilioProviderConfig(
            accountSID: SMSFixtures.accountSID, authToken: token, from: service == nil ? "+15005550006" : nil, messagingServiceSID: service,
            baseURL: "http://127.0.0.1:\(port)")
        return TwilioSMSProvider(name: name, config: config, publicURL: publicURL, driver: driver, timeout: .seconds(5), clock: clock)
    }

    static func message(_ to: String = "+6281234567890", _ text: String = "Selamat, Ana! Voucher Rp 50.000: RW-7Q2K") -> SMSOutgoing {
        SMSOutgoing(deliveryID: "d-1", to: to, text: text)
    }

    @Test func createsAMessageInTheOfficialShape() async throws {
        let directory = try TemporaryDirectory()
        let (server, out) = try Self.standin(directory)
        defer { server.stop() }
        let driver = CurlMultiDriver()
        defer { Task { await driver.shutdown() } }
        let text = "Glückwunsch, Jürgen! 50,00 € [RW-7Q2K] 😀 & more=yes"
        let receipt = try await Self.provider(port: server.port, driver: driver).send(Self.message("+4915112345678", text)).get()
        #expect(receipt.code == "201" && receipt.detail == "queued" && receipt.provider == "twilio")
        #expect(receipt.providerMessageID?.hasPrefix("SM") == true && receipt.providerMessageID?.count == 34)
        let service = "MG" + String(repeating: "abcdef0123456789", count: 2)
        let viaService = try await Self.provider(port: server.port, driver: driver, service: service).send(Self.message()).get()
        #expect(viaService.detail == "accepted")

        let requests = try Self.recorded(out)
        try #require(requests.count == 2)
        #expect(requests[0].path == "/2010-04-01/Accounts/\(SMSFixtures.accountSID)/Messages.json")
        #expect(requests[0].auth_ok && requests[0].content_type == "application/x-www-form-urlencoded")
        #expect(requests[0].form == [
            "To": ["+4915112345678"], "From": ["+15005550006"], "Body": [text],
            "StatusCallback": ["https://rewards.example.com/v1/webhooks/twilio/status"],
        ])
        #expect(requests[1].form["MessagingServiceSid"] == [service] && requests[1].form["From"] == nil)
    }

    @Test func classifiesTwilioErrorsFromTheWire() async throws {
        let directory = try TemporaryDirectory()
        let (server, _) = try Self.standin(directory)
        defer { server.stop() }
        let driver = CurlMultiDriver()
        defer { Task { await driver.shutdown() } }
        let provider = Self.provider(port: server.port, driver: driver)
        let cases: [(String, String, DeliveryDisposition, SMSProviderFailure.Scope)] = [
            ("+15005550001", "21211", .permanent, .message),
            ("+15005550004", "21610", .suppressed, .message),
            ("+15005550009", "21614", .permanent, .message),
            ("+15005550002", "21612", .permanent, .route),
        ]
        for (to, code, disposition, scope) in cases {
            guard case .failure(let f) = await provider.send(Self.message(to)) else { Issue.record("\(to) accepted"); continue }
            #expect(f.error.code == code && f.error.disposition == disposition && f.scope == scope, "\(to): \(f)")
        }
        guard case .failure(let auth) = await Self.provider(port: server.port, driver: driver, token: "wrong").send(Self.message()) else {
            Issue.record("bad credentials accepted")
            return
        }
        #expect(auth.error.code == "20003" && auth.error.disposition == .misconfigured(key: "channels.sms.providers[twilio].auth_token") && auth.scope == .provider)
        #expect(auth.error.detail.contains("check channels.sms.providers[twilio].account_sid and channels.sms.providers[twilio].auth_token"))
        #expect(!auth.error.description.contains("wrong"))
    }

    @Test func honoursRetryAfterOn429AndRetriesOn500() async throws {
        let directory = try TemporaryDirectory()
        let (server, _) = try Self.standin(directory, extra: ["--fail-status", "429", "--fail-count", "1", "--retry-after", "3"])
        defer { server.stop() }
        let driver = CurlMultiDriver()
        defer { Task { await driver.shutdown() } }
        let provider = Self.provider(port: server.port, driver: driver)
        guard case .failure(let throttled) = await provider.send(Self.message()) else { Issue.record("429 not reported"); return }
        #expect(throttled.error.disposition == .rateLimited(after: .seconds(3)) && throttled.error.code == "20429" && throttled.scope == .provider)
        #expect(try await provider.send(Self.message()).get().code == "201")
        try await Self.control(port: server.port, driver: driver, "fail_status=500&fail_count=1")
        guard case .failure(let broken) = await provider.send(Self.message()) else { Issue.record("500 not reported"); return }
        #expect(broken.error.disposition == .retry(after: nil) && broken.scope == .provider)
    }

    @Test func failsOverToTheSecondProviderAndTheCircuitClosesAgain() async throws {
        let directory = try TemporaryDirectory()
        let (first, firstOut) = try Self.standin(directory, "first", extra: ["--fail-status", "500", "--fail-count", "1000"])
        defer { first.stop() }
        let (second, secondOut) = try Self.standin(directory, "second")
        defer { second.stop() }
        let driver = CurlMultiDriver()
        defer { Task { await driver.shutdown() } }
        let clock = ManualClock()
        let channel = try SMSChannel(
            providers: [
                .init(Self.provider(port: first.port, driver: driver, name: "primary", clock: clock)),
                .init(Self.provider(port: second.port, driver: driver, name: "backup", clock: clock)),
            ],
            settings: .init(breaker: .init(failureThreshold: 3, openDuration: 30)), clock: clock, logger: SMSFixtures.logger)

        for i in 0..<10 {
            let receipt = try await channel.deliver(SMSFixtures.request(id: "d-\(i)"))
            #expect(receipt.provider == "backup")
        }
        // Three 500s opened the circuit; the other seven went straight to the backup.
        #expect(try Self.recorded(firstOut).map(\.status) == [500, 500, 500])
        #expect(try Self.recorded(secondOut).count == 10)
        #expect(channel.gate(named: "primary")?.breakerState == .open(until: clock.now() + 30, openings: 1))

        // The primary recovers; after the open period the probe succeeds and traffic returns.
        try await Self.control(port: first.port, driver: driver, "fail_count=0")
        clock.advance(30)
        for i in 10..<15 {
            #expect(try await channel.deliver(SMSFixtures.request(id: "d-\(i)")).provider == "primary")
        }
        #expect(channel.gate(named: "primary")?.breakerState == .closed(failures: 0))
        #expect(try Self.recorded(firstOut).map(\.status) == [500, 500, 500, 201, 201, 201, 201, 201])
        #expect(try Self.recorded(secondOut).count == 10)
    }

    static func control(port: Int, driver: CurlMultiDriver, _ query: String) async throws {
        let result = await driver.perform(CurlTransfer(.http(try CurlHTTPRequest(url: "http://127.0.0.1:\(port)/_control?\(query)"))))
        try #require(result.responseCode == 200)
    }
}
