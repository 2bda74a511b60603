import AccoladeTestSupport
import AccoladeChannels
import AccoladeCore
import AccoladeCurl
import Foundation
import Testing

/// Scripted SMTP server (scripts/test-servers/smtp_scripted.py) and dead ports: classification.
@Suite(.serialized) struct SMTPFaultTests {
    private func channel(port: Int, driver: CurlMultiDriver, timeout: TimeInterval = 10) throws -> SMTPEmailChannel {
        try SMTPEmailChannel(config: SMTPFixtures.config(port: port, timeout: timeout), driver: driver, logger: SMTPFixtures.logger)
    }

    private func failure(_ channel: SMTPEmailChannel, _ request: DeliveryRequest = SMTPFixtures.request()) async -> DeliveryError? {
        do {
            _ = try await channel.deliver(request)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: ["RCPT", "DATA", "END"])
    func transient451ThenSuccess(stage: String) async throws {
        let log = try TemporaryDirectory()
        let server = try TestServer.python("smtp_scripted.py", ["--script", "{\"\(stage)\": [\"451 4.7.1 Try again later\"]}", "--log", log.path + "/log"])
        defer { server.stop() }
        let driver = CurlMultiDriver()
        let channel = try channel(port: server.port, driver: driver)

        let error = try #require(await failure(channel, SMTPFixtures.request(id: "d1", attempt: 1)))
        #expect(error.disposition == .retry(after: nil))
        #expect(error.code == "451")
        #expect(error.detail == "451 4.7.1 Try again later")

        let receipt = try await channel.deliver(SMTPFixtures.request(id: "d1", attempt: 2))
        #expect(receipt.code == "250")
        #expect(receipt.detail.hasPrefix("250 2.0.0 Ok: queued as"))
        let lines = try String(contentsOfFile: log.path + "/log", encoding: .utf8).split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("MESSAGE") }.count == (stage == "END" ? 2 : 1))
        #expect(lines.filter { $0.hasPrefix("RCPT") }.count == 2)  // exactly one RCPT per attempt
        await driver.shutdown()
    }

    @Test func permanent550CarriesReplyText() async throws {
        let server = try TestServer.python("smtp_scripted.py", ["--script", #"{"RCPT": ["550 5.1.1 <ana@example.co.id>: Recipient address rejected"]}"#])
        defer { server.stop() }
        let driver = CurlMultiDriver()
        let error = try #require(await failure(try channel(port: server.port, driver: driver)))
        #expect(error.disposition == .permanent)
        #expect(error.code == "550")
        #expect(error.detail == "550 5.1.1 <ana@example.co.id>: Recipient address rejected")
        #expect(error.provider == "smtp")
        await driver.shutdown()
    }

    @Test func rejectedAfterDataIsPermanent() async throws {
        let server = try TestServer.python("smtp_scripted.py", ["--script", #"{"END": ["554 5.7.1 Message rejected as spam"]}"#])
        defer { server.stop() }
        let driver = CurlMultiDriver()
        let error = try #require(await failure(try channel(port: server.port, driver: driver)))
        #expect(error.disposition == .permanent)
        #expect(error.code == "554")
        await driver.shutdown()
    }

    @Test func connectionRefusedIsRetry() async throws {
        let port = try FreePort.pick()  // bound then closed: nothing listens
        let driver = CurlMultiDriver()
        let error = try #require(await failure(try channel(port: port, driver: driver)))
        #expect(error.disposition == .retry(after: nil))
        #expect(error.code == "curl:7")
        await driver.shutdown()
    }

    @Test func silentServerTimesOutAsRetry() async throws {
        let server = try TestServer.python("smtp_scripted.py", ["--silent"])
        defer { server.stop() }
        let driver = CurlMultiDriver()
        let started = ContinuousClock.now
        let error = try #require(await failure(try channel(port: server.port, driver: driver, timeout: 1.5)))
        let elapsed = ContinuousClock.now - started
        #expect(error.disposition == .retry(after: nil))
        #expect(error.code == "curl:28")
        #expect(elapsed < .seconds(5))
        await driver.shutdown()
    }

    /// A relay that stops offering STARTTLS would fail every email the same way: the channel pauses
    /// (`.misconfigured`) naming `smtp.starttls`, the queue is not burnt.
    @Test func requiredStartTLSNotOfferedPausesTheChannel() async throws {
        let server = try TestServer.python("smtp_scripted.py")
        defer { server.stop() }
        let driver = CurlMultiDriver()
        var config = SMTPFixtures.config(port: server.port)
        config.starttls = .required
        let channel = try SMTPEmailChannel(config: config, driver: driver, logger: SMTPFixtures.logger)
        let error = try #require(await failure(channel))
        #expect(error.disposition == .misconfigured(key: "channels.email.smtp.starttls"))
        #expect(error.code == "curl:64")
        #expect(error.detail.contains("STARTTLS"))
        await driver.shutdown()
    }
}
