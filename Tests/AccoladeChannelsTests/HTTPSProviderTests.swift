import AccoladeChannels
import AccoladeCore
import AccoladeCurl
import AccoladeTestSupport
import Foundation
import Testing

/// The HTTP providers over HTTPS against the stand-ins (`--tls-cert/--tls-key`) with a throw-away
/// CA, and SMS failover when one provider's credentials are refused (Twilio 20003).
@Suite(.serialized) struct HTTPSProviderTests {
    let certs: TestCertificates

    init() throws {
        certs = try TestCertificates()
    }

    private func twilio(
        _ server: TestServer, driver: CurlMultiDriver, name: String = "twilio", index: Int = 0, token: String = SMSFixtures.authToken,
        caFile: String?, clock: any WallClock = SystemWallClock()
    ) -> TwilioSMSProvider {
        let config = TwilioProviderConfig(
            accountSID: SMSFixtures.accountSID, authToken: token, from: "+15005550006", baseURL: "https://127.0.0.1:\(server.port)",
            statusCallbacks: false)
        return TwilioSMSProvider(
            name: name, config: config, publicURL: "https://rewards.example.com", driver: driver, timeout: .seconds(5), clock: clock,
            caFile: caFile, configKeys: .twilio(index: index))
    }

    private func twilioStandin(_ out: String? = nil) throws -> TestServer {
        try TestServer.python(
            "twilio_standin.py",
            ["--account-sid", SMSFixtures.accountSID, "--auth-token", SMSFixtures.authToken, "--tls-cert", certs.trusted, "--tls-key", certs.key]
                + (out.map { ["--out", $0] } ?? []))
    }

    @Test func twilioOverHTTPSTrustsTheCAFile() async throws {
        let server = try twilioStandin()
        defer { server.stop() }
        let driver = CurlMultiDriver()
        let message = SMSOutgoing(deliveryID: "d-1", to: "+6281234567890", text: "Selamat! RW-7Q2K")
        guard case .failure(let untrusted) = await twilio(server, driver: driver, index: 2, caFile: nil).send(message) else {
            Issue.record("a certificate from an unknown CA was accepted")
            return
        }
        #expect(untrusted.error.disposition == .misconfigured(key: "channels.sms.providers[2].ca_file"))
        #expect(untrusted.scope == .provider && untrusted.error.code == "curl:60")
        let receipt = try await twilio(server, driver: driver, caFile: certs.ca).send(message).get()
        #expect(receipt.code == "201" && receipt.providerMessageID?.hasPrefix("SM") == true)
        await driver.shutdown()
    }

    @Test func whatsappOverHTTPSTrustsTheCAFile() async throws {
        let token = "EAAG-test-token-0123456789"
        let server = try TestServer.python(
            "whatsapp_standin.py", ["--phone-number-id", "106540352242922", "--token", token, "--tls-cert", certs.trusted, "--tls-key", certs.key])
        defer { server.stop() }
        let driver = CurlMultiDriver()
        func channel(caFile: String?) -> WhatsAppChannel {
            WhatsAppChannel(
                config: WhatsAppChannelConfig(
                    apiBase: "https://127.0.0.1:\(server.port)", phoneNumberID: "106540352242922", accessToken: token, timeout: 5, caFile: caFile),
                driver: driver, logger: SMSFixtures.logger)
        }
        let request = DeliveryRequest(
            deliveryID: "d-1", messageID: "m-1", attempt: 1, recipient: Recipient(name: "Ana", whatsapp: "+6281234567890"),
            content: .whatsappTemplate(WhatsAppTemplateMessage(name: "reward_plain", languageCode: "en_US", body: ["Ana"]), text: nil),
            createdAt: Date(timeIntervalSince1970: 1_800_000_000))
        do {
            _ = try await channel(caFile: nil).deliver(request)
            Issue.record("a certificate from an unknown CA was accepted")
        } catch {
            #expect(error.disposition == .misconfigured(key: "channels.whatsapp.ca_file") && error.code == "curl:60")
        }
        let receipt = try await channel(caFile: certs.ca).deliver(request)
        #expect(receipt.code == "200" && receipt.providerMessageID?.hasPrefix("wamid.") == true)
        await driver.shutdown()
    }

    /// One provider's credentials refused (the stand-in answers 20003): the message goes through
    /// the other provider, the refused one is paused (not called again until its probe), and only
    /// when every provider is misconfigured does the channel report `.misconfigured`.
    @Test func aMisconfiguredProviderIsPausedAndTheNextTakesOver() async throws {
        let directory = try TemporaryDirectory()
        let out = directory.url.appendingPathComponent("twilio.jsonl").path
        let server = try twilioStandin(out)
        defer { server.stop() }
        let driver = CurlMultiDriver()
        let clock = ManualClock()
        func requests() throws -> [TwilioStandinTests.Recorded] { try TwilioStandinTests.recorded(out) }
        let channel = try SMSChannel(
            providers: [
                .init(twilio(server, driver: driver, name: "primary", index: 0, token: "revoked-token", caFile: certs.ca, clock: clock)),
                .init(twilio(server, driver: driver, name: "backup", index: 1, caFile: certs.ca, clock: clock)),
            ],
            settings: .init(pause: .init(initialDuration: 30, maxDuration: 300)), clock: clock, logger: SMSFixtures.logger)

        for i in 0..<5 {
            #expect(try await channel.deliver(SMSFixtures.request(id: "d-\(i)")).provider == "backup")
        }
        // One refused request paused the primary; the other four went straight to the backup.
        // The stand-in records a request after answering it: wait for the last record.
        try await waitUntil("six requests recorded") { (try? requests().count) == 6 }
        #expect(try requests().map(\.auth_ok) == [false, true, true, true, true, true])
        #expect(try requests().first?.code == 20003)
        #expect(channel.gate(named: "primary")?.pauseState == .paused(until: clock.now() + 30, pauses: 1, key: "channels.sms.providers[0].auth_token"))
        #expect(channel.pausedProviders.map(\.name) == ["primary"] && channel.pausedProviders.map(\.key) == ["channels.sms.providers[0].auth_token"])
        #expect(channel.gate(named: "primary")?.breakerState == .closed(failures: 0))

        // After the pause one probe goes to the primary; refused again, the pause doubles.
        clock.advance(30)
        #expect(try await channel.deliver(SMSFixtures.request(id: "d-5")).provider == "backup")
        #expect(try requests().filter { !$0.auth_ok }.count == 2)
        #expect(channel.gate(named: "primary")?.pauseState == .paused(until: clock.now() + 60, pauses: 2, key: "channels.sms.providers[0].auth_token"))
        await driver.shutdown()
    }

    @Test func everyProviderMisconfiguredMeansTheChannelIsMisconfigured() async throws {
        let server = try twilioStandin()
        defer { server.stop() }
        let driver = CurlMultiDriver()
        let clock = ManualClock()
        let channel = try SMSChannel(
            providers: [
                .init(twilio(server, driver: driver, name: "primary", index: 0, token: "revoked-token", caFile: certs.ca, clock: clock)),
                .init(twilio(server, driver: driver, name: "backup", index: 1, caFile: nil, clock: clock)),
            ],
            clock: clock, logger: SMSFixtures.logger)
        for attempt in 0..<2 {
            // First attempt: both answer (20003, untrusted certificate); second: both are paused.
            do {
                _ = try await channel.deliver(SMSFixtures.request(id: "d-\(attempt)"))
                Issue.record("delivered although every provider is misconfigured")
            } catch {
                #expect(error.disposition == .misconfigured(key: "channels.sms.providers[0].auth_token, channels.sms.providers[1].ca_file"))
                #expect(error.detail.hasPrefix("no provider accepted the message: "))
            }
        }
        #expect(Set(channel.pausedProviders.map(\.name)) == ["primary", "backup"])
        await driver.shutdown()
    }
}
