import AccoladeChannels
import AccoladeCore
import AccoladeCurl
import AccoladeRuntime
import AccoladeStores
import AccoladeTestSupport
import Foundation
import Logging
import Testing

/// End to end through the real worker, store and templates: a `fallback` route WhatsApp → SMS
/// moves on to SMS when Meta answers 131026 (not on WhatsApp), and stops at WhatsApp otherwise.
@Suite("WhatsApp → SMS fallback", .serialized)
struct WhatsAppFallbackTests {
    static let accountSID = "AC" + String(repeating: "0123456789abcdef", count: 2)
    static let authToken = "test-auth-token-0123456789"

    @Test("131026 fails the WhatsApp delivery and the SMS delivery goes out")
    func fallbackOn131026() async throws {
        let directory = try TemporaryDirectory()
        var logger = Logger(label: "whatsapp-fallback-test")
        logger.logLevel = .critical
        let graphLog = directory.url.appendingPathComponent("graph.jsonl").path
        let twilioLog = directory.url.appendingPathComponent("twilio.jsonl").path
        let graph = try TestServer.python(
            "whatsapp_standin.py",
            ["--phone-number-id", "106540352242922", "--token", "tok", "--out", graphLog, "--template", "reward_earned:id:text:4:"])
        defer { graph.stop() }
        let twilio = try TestServer.python(
            "twilio_standin.py", ["--account-sid", Self.accountSID, "--auth-token", Self.authToken, "--out", twilioLog])
        defer { twilio.stop() }

        let store = try SQLiteStore(path: directory.path + "/queue.sqlite", logger: logger)
        try await store.migrate()
        let templates = try TemplateLibrary(directory: TestServer.repositoryRoot.appendingPathComponent("templates").path)
        let driver = CurlMultiDriver(logger: logger)
        let whatsapp = WhatsAppChannel(
            config: WhatsAppChannelConfig(apiBase: "http://127.0.0.1:\(graph.port)", phoneNumberID: "106540352242922", accessToken: "tok", timeout: 5),
            driver: driver, suppressions: store, inbound: store, logger: logger)
        let sms = try SMSChannel(
            providers: [.init(TwilioSMSProvider(
                name: "twilio",
                config: TwilioProviderConfig(
                    accountSID: Self.accountSID, authToken: Self.authToken, from: "+15005550006", baseURL: "http://127.0.0.1:\(twilio.port)",
                    statusCallbacks: false),
                publicURL: "https://rewards.example.test", driver: driver, timeout: .seconds(5)))],
            suppressions: store, logger: logger)
        let channels = ChannelRegistry([whatsapp, sms])
        let dispatcher = Dispatcher(store: store, renderer: templates, channels: channels, clock: SystemWallClock(), logger: logger)
        let data: JSONValue = .object([
            "program": .string("Kudos Awards"),
            "reward": .object([
                "voucher": .object(["amount": .int(50000), "currency": .string("IDR")]), "code": .string("RW-7Q2K"),
                "expires_on": .string("2026-12-31"),
            ]),
        ])
        func request(_ whatsapp: String, _ phone: String) -> SendRequest {
            SendRequest(
                template: "reward-earned", recipient: Recipient(name: "Ana", phone: phone, whatsapp: whatsapp, locale: "id-ID"), data: data,
                channels: [.whatsapp, .sms], mode: .fallback)
        }
        let outcomes = try await dispatcher.send([request("+1555000131026", "+6281234567890"), request("+6281234567891", "+6281234567891")])
        let ids = try outcomes.map { outcome -> String in
            guard case .accepted(let m, _) = outcome else { throw ValidationError(field: "test", reason: "\(outcome)") }
            return m.id
        }
        let worker = DeliveryWorker(
            store: store, renderer: templates, channels: channels,
            settings: WorkerSettings(
                config: WorkerConfig(concurrency: 4, batchSize: 8, lease: 30, pollInterval: 0.02, retry: RetryPolicy(maxAttempts: 3, baseDelay: 0.01, maxDelay: 0.05)),
                owner: "wa-test", drain: true),
            logger: logger)
        try await worker.run()
        await driver.shutdown()

        let notOnWhatsApp = try await store.deliveries(messageID: ids[0]).sorted { $0.channel.rawValue > $1.channel.rawValue }
        #expect(notOnWhatsApp.map(\.channel) == [.whatsapp, .sms])
        #expect(notOnWhatsApp.map(\.state) == [.failed, .sent], "\(notOnWhatsApp.map(\.lastError))")
        #expect(notOnWhatsApp[0].lastError?.contains("131026") == true)
        #expect(notOnWhatsApp[1].providerMessageID?.hasPrefix("SM") == true)
        let onWhatsApp = try await store.deliveries(messageID: ids[1]).sorted { $0.channel.rawValue > $1.channel.rawValue }
        #expect(onWhatsApp.map(\.state) == [.sent, .skipped])
        #expect(onWhatsApp[0].providerMessageID?.hasPrefix("wamid.") == true)
        let attempts = try await store.attempts(messageID: ids[0])
        #expect(attempts.map(\.code) == ["131026", "201"])

        let graphRequests = try String(contentsOfFile: graphLog, encoding: .utf8).split(separator: "\n")
        #expect(graphRequests.count == 2)
        #expect(graphRequests.allSatisfy { $0.contains(#""name": "reward_earned""#) && $0.contains(#""code": "id""#) })
        #expect(try String(contentsOfFile: twilioLog, encoding: .utf8).split(separator: "\n").count == 1)
    }
}
