import AccoladeChannels
import AccoladeCore
import AccoladeCurl
import AccoladeTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The SMTP channel against `scripts/test-servers/smtp_tls.py` (aiosmtpd) on 127.0.0.1 with a
/// throw-away CA: a certificate or credential the relay refuses pauses the channel
/// (`.misconfigured` naming the key), `smtp.ca_file` makes a private CA trusted.
@Suite(.serialized) struct SMTPTLSIntegrationTests {
    let certs: TestCertificates

    init() throws {
        certs = try TestCertificates()
    }

    /// A capture directory and a running relay; `cert` nil serves plain SMTP without STARTTLS.
    final class Relay: @unchecked Sendable {
        let mail: TemporaryDirectory
        let server: TestServer

        init(cert: String?, key: String?, _ extra: [String] = []) throws {
            mail = try TemporaryDirectory()
            let tls = cert.map { ["--cert", $0, "--key", key ?? ""] } ?? []
            server = try TestServer.python("smtp_tls.py", ["--dir", mail.path] + tls + extra)
        }

        var delivered: Int {
            ((try? FileManager.default.contentsOfDirectory(atPath: mail.path)) ?? []).filter { $0.hasSuffix(".json") }.count
        }
    }

    private func settings(
        _ relay: Relay, scheme: String = "smtp", host: String = "127.0.0.1", starttls: StartTLSPolicy = .required, caFile: String?,
        username: String? = nil, password: String? = nil
    ) -> EmailChannelConfig {
        EmailChannelConfig(
            from: "Acme Rewards <rewards@acme.example>", url: "\(scheme)://\(host):\(relay.server.port)", starttls: starttls,
            username: username, password: password, connectTimeout: 5, timeout: 10, maxConnections: 2, caFile: caFile)
    }

    private func send(_ config: EmailChannelConfig, driver: CurlMultiDriver, id: String = UUID().uuidString) async throws -> Result<DeliveryReceipt, DeliveryError> {
        let channel = try SMTPEmailChannel(config: config, driver: driver, logger: SMTPFixtures.logger)
        do {
            return .success(try await channel.deliver(SMTPFixtures.request(id: id)))
        } catch {
            return .failure(error)
        }
    }

    private func misconfiguration(_ result: Result<DeliveryReceipt, DeliveryError>) -> (key: String, error: DeliveryError)? {
        guard case .failure(let error) = result, case .misconfigured(let key) = error.disposition else {
            Issue.record("expected a misconfiguration, got \(result)")
            return nil
        }
        return (key, error)
    }

    @Test func untrustedCertificatePausesNamingTheCAFileAndTheCAFileMakesItTrusted() async throws {
        let relay = try Relay(cert: certs.trusted, key: certs.key)
        defer { relay.server.stop() }
        let driver = CurlMultiDriver()
        // Signed by a CA the system does not know: every email would fail the same way.
        let unknownCA = try #require(misconfiguration(try await send(settings(relay, caFile: nil), driver: driver)))
        #expect(unknownCA.key == "channels.email.smtp.ca_file")
        #expect(unknownCA.error.code == "curl:60")
        #expect(unknownCA.error.detail.contains("unable to get local issuer certificate"))
        #expect(unknownCA.error.detail.contains("set channels.email.smtp.ca_file"))
        #expect(relay.delivered == 0)
        // With ca_file pointing at the throw-away CA: sent, over STARTTLS, by name or address.
        let receipt = try await send(settings(relay, caFile: certs.ca), driver: driver).get()
        #expect(receipt.code == "250")
        let byName = try await send(settings(relay, host: "localhost", caFile: certs.ca), driver: driver).get()
        #expect(byName.code == "250")
        #expect(relay.delivered == 2)
        await driver.shutdown()
    }

    @Test(arguments: [
        ("untrusted.pem", "channels.email.smtp.ca_file", "self-signed certificate"),
        ("expired.pem", "channels.email.smtp.ca_file", "certificate has expired"),
        ("wronghost.pem", "channels.email.smtp.url", "no alternative certificate subject name matches"),
    ])
    func rejectedCertificatesNameTheKeyToFix(cert: String, key: String, text: String) async throws {
        let relay = try Relay(cert: certs.path(cert), key: certs.key)
        defer { relay.server.stop() }
        let driver = CurlMultiDriver()
        let fault = try #require(misconfiguration(try await send(settings(relay, caFile: certs.ca), driver: driver)))
        #expect(fault.key == key)
        #expect(fault.error.code == "curl:60")
        #expect(fault.error.detail.contains(text))
        #expect(relay.delivered == 0)
        await driver.shutdown()
    }

    @Test func implicitTLSWithTheCAFileIsSent() async throws {
        let relay = try Relay(cert: certs.trusted, key: certs.key, ["--implicit-tls", "--auth", "ana:s3cret-pass"])
        defer { relay.server.stop() }
        let driver = CurlMultiDriver()
        let untrusted = try #require(misconfiguration(try await send(
            settings(relay, scheme: "smtps", caFile: nil, username: "ana", password: "s3cret-pass"), driver: driver)))
        #expect(untrusted.key == "channels.email.smtp.ca_file")
        let receipt = try await send(settings(relay, scheme: "smtps", caFile: certs.ca, username: "ana", password: "s3cret-pass"), driver: driver).get()
        #expect(receipt.code == "250")
        #expect(relay.delivered == 1)
        await driver.shutdown()
    }

    @Test func refusedCredentialsPauseNamingThePassword() async throws {
        let relay = try Relay(cert: certs.trusted, key: certs.key, ["--auth", "ana:s3cret-pass"])
        defer { relay.server.stop() }
        let driver = CurlMultiDriver()
        let refused = try #require(misconfiguration(try await send(
            settings(relay, caFile: certs.ca, username: "ana", password: "wrong-password"), driver: driver)))
        #expect(refused.key == "channels.email.smtp.password")
        #expect(refused.error.code == "535")
        #expect(refused.error.detail.contains("535 5.7.8"))
        #expect(!refused.error.description.contains("wrong-password"))
        // No credentials at all: the relay wants AUTH before MAIL.
        let anonymous = try #require(misconfiguration(try await send(settings(relay, caFile: certs.ca), driver: driver)))
        #expect(anonymous.key == "channels.email.smtp.username")
        #expect(anonymous.error.code == "530")
        let receipt = try await send(settings(relay, caFile: certs.ca, username: "ana", password: "s3cret-pass"), driver: driver).get()
        #expect(receipt.code == "250")
        #expect(relay.delivered == 1)
        await driver.shutdown()
    }

    @Test func startTLSRequiredButNotOfferedPausesNamingStartTLS() async throws {
        let plain = try Relay(cert: nil, key: nil)
        defer { plain.server.stop() }
        let driver = CurlMultiDriver()
        let fault = try #require(misconfiguration(try await send(settings(plain, caFile: certs.ca), driver: driver)))
        #expect(fault.key == "channels.email.smtp.starttls")
        #expect(fault.error.code == "curl:64")
        // The other way round: the relay insists on STARTTLS and the channel never upgrades.
        let strict = try Relay(cert: certs.trusted, key: certs.key, ["--require-starttls"])
        defer { strict.server.stop() }
        let refused = try #require(misconfiguration(try await send(settings(strict, starttls: .never, caFile: certs.ca), driver: driver)))
        #expect(refused.key == "channels.email.smtp.starttls")
        #expect(refused.error.code == "530")
        #expect(plain.delivered == 0 && strict.delivered == 0)
        await driver.shutdown()
    }

    @Test func aCAFileThatDisappearsNamesTheCAFile() async throws {
        let relay = try Relay(cert: certs.trusted, key: certs.key)
        defer { relay.server.stop() }
        let driver = CurlMultiDriver()
        let fault = try #require(misconfiguration(try await send(settings(relay, caFile: certs.path("gone.pem")), driver: driver)))
        #expect(fault.key == "channels.email.smtp.ca_file")
        #expect(fault.error.code == "curl:77")
        await driver.shutdown()
    }

    /// The chaos scenario's building block: a relay whose certificate is not trusted, then
    /// replaced by a trusted one while it runs (SIGHUP), delivers with the same channel.
    @Test func aReplacedCertificateIsPickedUpWithoutRestart() async throws {
        let current = certs.path("current.pem")
        try certs.install(certs.untrusted, at: current)
        let relay = try Relay(cert: current, key: certs.key)
        defer { relay.server.stop() }
        let driver = CurlMultiDriver()
        let channel = try SMTPEmailChannel(config: settings(relay, caFile: certs.ca), driver: driver, logger: SMTPFixtures.logger)
        do {
            _ = try await channel.deliver(SMTPFixtures.request(id: "d-1", attempt: 1))
            Issue.record("an untrusted certificate was accepted")
        } catch {
            #expect(error.disposition == .misconfigured(key: "channels.email.smtp.ca_file"))
        }
        try certs.install(certs.trusted, at: current)
        relay.server.send(SIGHUP)
        #expect(relay.server.nextLine() == "reloaded")
        let receipt = try await channel.deliver(SMTPFixtures.request(id: "d-1", attempt: 1))
        #expect(receipt.code == "250")
        #expect(relay.delivered == 1)
        await driver.shutdown()
    }
}
