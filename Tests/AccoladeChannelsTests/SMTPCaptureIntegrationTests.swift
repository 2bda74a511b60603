import AccoladeTestSupport
import AccoladeChannels
import AccoladeCore
import AccoladeCurl
import Foundation
import Testing

/// Real SMTP server (aiosmtpd) on 127.0.0.1; checks what actually arrived.
@Suite(.serialized) struct SMTPCaptureIntegrationTests {
    @Test func deliversMultipartUTF8MessageToOneRecipient() async throws {
        let directory = try TemporaryDirectory()
        let server = try TestServer.python("smtp_capture.py", ["--dir", directory.path])
        defer { server.stop() }
        let driver = CurlMultiDriver()
        let channel = try SMTPEmailChannel(config: SMTPFixtures.config(port: server.port), driver: driver, logger: SMTPFixtures.logger)

        let subjects = [
            "Selamat, Ana! Voucher Rp 50.000 untuk Anda 🎉",
            "Glückwunsch, Jürgen: Ihr Gutschein über 50,00 € ist da – viel Spaß beim Einlösen!",
            "Plain ASCII subject",
        ]
        for (index, subject) in subjects.enumerated() {
            let html = "<p>Hallo <b>Jürgen</b> 🎁</p>\n<p>" + String(repeating: "Lange Zeile mit Umlauten äöü ", count: 10) + "</p>\n.\n"
            let request = SMTPFixtures.request(id: "d-\(index)", name: index == 1 ? "Jürgen Müller" : "Putri, Ana", subject: subject, html: html)
            let receipt = try await channel.deliver(request)
            #expect(receipt.code == "250")
            #expect(receipt.detail == "250 2.0.0 Ok: queued as CAP\(index + 1)")
            #expect(receipt.providerMessageID == "CAP\(index + 1)")

            let captured = try CapturedMessage.read(directory, index + 1)
            #expect(captured.mail_from == "rewards@acme.example")
            #expect(captured.rcpt_tos == ["ana@example.co.id"])
            #expect(captured.defects.isEmpty)
            #expect(captured.headers["Subject"] == subject)
            #expect(captured.headers["From"] == "Acme Rewards <rewards@acme.example>")
            #expect(captured.headers["To"] == (index == 1 ? "Jürgen Müller <ana@example.co.id>" : "\"Putri, Ana\" <ana@example.co.id>"))
            #expect(captured.headers["Message-ID"] == "<d-\(index)@acme.example>")
            #expect(captured.headers["Reply-To"] == nil, "no reply_to configured, no Reply-To header")
            #expect(captured.headers["Date"] == "Mon, 23 Nov 2026 20:00:00 +0000")
            #expect(captured.content_type == "multipart/alternative")
            #expect(captured.parts.map(\.content_type) == ["text/plain", "text/html"])
            #expect(captured.parts.allSatisfy { $0.charset == "utf-8" && $0.cte == "quoted-printable" })
            #expect(lf(captured.parts[0].content) == "Halo Ana,\nKode Anda: RW-7Q2K\n")
            #expect(lf(captured.parts[1].content) == html)
            // Raw message is 7-bit with CRLF only, and the lone "." line survived SMTP framing.
            let raw = try CapturedMessage.raw(directory, index + 1)
            #expect(raw.allSatisfy { $0 < 0x80 })
        }
        await driver.shutdown()
    }

    /// `channels.email.reply_to` reaches the wire as a `Reply-To` header (encoded like `From`);
    /// the envelope sender and `From` stay the configured sender.
    @Test func replyToIsSentAsAHeader() async throws {
        let directory = try TemporaryDirectory()
        let server = try TestServer.python("smtp_capture.py", ["--dir", directory.path])
        defer { server.stop() }
        let driver = CurlMultiDriver()
        var config = SMTPFixtures.config(port: server.port)
        config.replyTo = "Layanan Pelanggan Acme <support@acme.example>"
        let channel = try SMTPEmailChannel(config: config, driver: driver, logger: SMTPFixtures.logger)
        _ = try await channel.deliver(SMTPFixtures.request(id: "with-reply-to"))
        config.replyTo = "Jürgen Müller <juergen@acme.example>"
        let encoded = try SMTPEmailChannel(config: config, driver: driver, logger: SMTPFixtures.logger)
        _ = try await encoded.deliver(SMTPFixtures.request(id: "with-encoded-reply-to"))

        let plain = try CapturedMessage.read(directory, 1)
        #expect(plain.defects.isEmpty)
        #expect(plain.headers["Reply-To"] == "Layanan Pelanggan Acme <support@acme.example>")
        #expect(plain.headers["From"] == "Acme Rewards <rewards@acme.example>")
        #expect(plain.mail_from == "rewards@acme.example")
        let utf8 = try CapturedMessage.read(directory, 2)
        #expect(utf8.defects.isEmpty)
        #expect(utf8.headers["Reply-To"] == "Jürgen Müller <juergen@acme.example>")
        #expect(utf8.raw_headers["Reply-To"]?.hasPrefix("=?UTF-8?") == true, "\(utf8.raw_headers)")
        await driver.shutdown()
    }

    /// `channels.email.return_path` (VERP) is the envelope sender, with the delivery id in it, so
    /// a bounce names its delivery; `From` stays the configured sender, and the Message-ID gives
    /// the delivery id back to bounce matching.
    @Test func returnPathCarriesTheDeliveryID() async throws {
        let directory = try TemporaryDirectory()
        let server = try TestServer.python("smtp_capture.py", ["--dir", directory.path])
        defer { server.stop() }
        let driver = CurlMultiDriver()
        var config = SMTPFixtures.config(port: server.port)
        config.returnPath = try ReturnPath("bounces+{delivery_id}@acme.example")
        let channel = try SMTPEmailChannel(config: config, driver: driver, logger: SMTPFixtures.logger)
        _ = try await channel.deliver(SMTPFixtures.request(id: "dlv_01a2-b3"))
        let captured = try CapturedMessage.read(directory, 1)
        #expect(captured.mail_from == "bounces+dlv_01a2-b3@acme.example")
        #expect(captured.headers["From"] == "Acme Rewards <rewards@acme.example>")
        #expect(DeliveryMessageID.deliveryID(in: try #require(captured.headers["Message-ID"])) == "dlv_01a2-b3")
        await driver.shutdown()
    }

    @Test func retriesOfOneDeliveryKeepMessageIDAndDate() async throws {
        let directory = try TemporaryDirectory()
        let server = try TestServer.python("smtp_capture.py", ["--dir", directory.path])
        defer { server.stop() }
        let driver = CurlMultiDriver()
        let channel = try SMTPEmailChannel(config: SMTPFixtures.config(port: server.port), driver: driver, logger: SMTPFixtures.logger)
        _ = try await channel.deliver(SMTPFixtures.request(id: "same-delivery", attempt: 1))
        _ = try await channel.deliver(SMTPFixtures.request(id: "same-delivery", attempt: 2))
        let first = try CapturedMessage.read(directory, 1), second = try CapturedMessage.read(directory, 2)
        #expect(first.headers["Message-ID"] == second.headers["Message-ID"])
        #expect(first.headers["Date"] == second.headers["Date"])
        await driver.shutdown()
    }

    @Test func invalidRecipientIsPermanentAndNothingIsSent() async throws {
        let directory = try TemporaryDirectory()
        let server = try TestServer.python("smtp_capture.py", ["--dir", directory.path])
        defer { server.stop() }
        let driver = CurlMultiDriver()
        let channel = try SMTPEmailChannel(config: SMTPFixtures.config(port: server.port), driver: driver, logger: SMTPFixtures.logger)
        for bad in ["ana@example.com\r\nRCPT TO:<x@evil.example>", "not-an-address"] {
            await #expect(throws: DeliveryError.self) { try await channel.deliver(SMTPFixtures.request(email: bad)) }
            do {
                _ = try await channel.deliver(SMTPFixtures.request(email: bad))
            } catch {
                #expect(error.disposition == .permanent)
                #expect(!error.detail.contains("evil"))
            }
        }
        await #expect(throws: DeliveryError.self) {
            try await channel.deliver(SMTPFixtures.request(subject: "Hi\r\nBcc: x@evil.example"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
        await driver.shutdown()
    }

    @Test func validateRecipient() throws {
        let channel = try SMTPEmailChannel(config: SMTPFixtures.config(port: 25), driver: sharedIdleDriver, logger: SMTPFixtures.logger)
        #expect(channel.kind == .email)
        #expect(channel.providerName == "smtp")
        try channel.validate(recipient: Recipient(name: "Ana", email: "ana@example.com"))
        #expect(throws: ValidationError.self) { try channel.validate(recipient: Recipient(name: "Ana")) }
        #expect(throws: ValidationError.self) { try channel.validate(recipient: Recipient(name: "Ana\nX", email: "ana@example.com")) }
        let error = #expect(throws: ValidationError.self) { try channel.validate(recipient: Recipient(email: "ana@@example.com")) }
        #expect(error?.field == "to.email")
    }

    @Test func configMasksPasswordAndValidates() throws {
        var config = SMTPFixtures.config(port: 25)
        config.username = "mailer"
        config.password = "s3cret-value"
        #expect(!config.description.contains("s3cret"))
        #expect(config.description.contains("password: ••••"))
        #expect(throws: ValidationError.self) {
            try EmailChannelConfig(from: "a@b.co", url: "http://x").validated()
        }
        #expect(throws: ValidationError.self) {
            try EmailChannelConfig(from: "Acme <a@b.co\r\n>", url: "smtp://x:25").validated()
        }
        let badReplyTo = #expect(throws: ValidationError.self) {
            try EmailChannelConfig(from: "a@b.co", replyTo: "help desk", url: "smtp://x:25").validated()
        }
        #expect(badReplyTo?.field == "reply_to.email")
        #expect(try EmailChannelConfig(from: "Acme <a@b.co>", url: "smtps://mail.example.com:465").validated().address == "a@b.co")
    }
}

/// A driver for tests that never send (validation only).
let sharedIdleDriver = CurlMultiDriver()
