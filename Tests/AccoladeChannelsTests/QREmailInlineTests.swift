import AccoladeChannels
import AccoladeCore
import AccoladeCurl
import AccoladeTestSupport
import Foundation
import Testing

/// The QR code inline in email: `multipart/related` with a `cid:` reference, through a real SMTP server.
@Suite(.serialized) struct QREmailInlineTests {
    static let html = "<p>Halo Ana,</p>\n<p><img src=\"cid:qr@accolade\" alt=\"QR\" width=\"240\" height=\"240\"></p>\n"

    @Test func composerWrapsHTMLAndImageInMultipartRelated() throws {
        let png: [UInt8] = Array(repeating: 0xAB, count: 200)
        let from = try EmailAddress(address: "rewards@acme.example", displayName: "Acme", field: "from")
        let to = try EmailAddress(address: "ana@example.co.id", displayName: nil, field: "to")
        let bytes = try MIMEComposer().compose(
            RenderedEmail(subject: "Voucher", text: "Halo Ana\n", html: Self.html), from: from, to: to,
            date: Date(timeIntervalSince1970: 1_795_464_000), messageID: "<m1@acme.example>", boundary: "=_B",
            inlineImages: [InlineImage(contentID: "qr@accolade", fileName: "qr.png", mediaType: "image/png", data: png)])
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(bytes.allSatisfy { $0 < 0x80 })
        #expect(text.contains("Content-Type: multipart/alternative;\r\n boundary=\"=_B\"\r\n"))
        // Order: text/plain, then multipart/related (HTML root first, then the image), both closed.
        let plain = try #require(text.range(of: "--=_B\r\nContent-Type: text/plain"))
        let related = try #require(text.range(of: "\r\n--=_B\r\nContent-Type: multipart/related; type=\"text/html\";\r\n boundary=\"rel=_B\"\r\n\r\n--rel=_B\r\nContent-Type: text/html"))
        let image = try #require(text.range(of: "\r\n--rel=_B\r\nContent-Type: image/png; name=\"qr.png\"\r\nContent-Transfer-Encoding: base64\r\nContent-ID: <qr@accolade>\r\nContent-Disposition: inline; filename=\"qr.png\"\r\n\r\n"))
        let closeRelated = try #require(text.range(of: "\r\n--rel=_B--\r\n--=_B--\r\n"))
        #expect(plain.lowerBound < related.lowerBound && related.lowerBound < image.lowerBound && image.upperBound < closeRelated.lowerBound)
        #expect(text.hasSuffix("\r\n--rel=_B--\r\n--=_B--\r\n"))
        let part = try #require(RawMIME.part(contentID: "qr@accolade", in: bytes))
        #expect(part.body == png)
        // Base64 lines are at most 76 characters.
        let body = text[image.upperBound..<closeRelated.lowerBound]
        #expect(body.components(separatedBy: "\r\n").allSatisfy { $0.count <= 76 })
    }

    @Test func noInlineImagesKeepsThePlainAlternativeLayout() throws {
        let from = try EmailAddress(address: "rewards@acme.example", displayName: nil, field: "from")
        let email = RenderedEmail(subject: "s", text: "t\n", html: "<p>h</p>\n")
        let composer = MIMEComposer()
        let date = Date(timeIntervalSince1970: 0)
        let a = try composer.compose(email, from: from, to: from, date: date, messageID: "<x@y>", boundary: "=_B")
        let b = try composer.compose(email, from: from, to: from, date: date, messageID: "<x@y>", boundary: "=_B", inlineImages: [])
        #expect(a == b)
        #expect(!String(decoding: a, as: UTF8.self).contains("multipart/related"))
    }

    @Test func hostileInlineImageHeadersAreRefused() throws {
        let from = try EmailAddress(address: "rewards@acme.example", displayName: nil, field: "from")
        let email = RenderedEmail(subject: "s", text: "t\n", html: "<p>h</p>\n")
        for image in [
            InlineImage(contentID: "qr@a>\r\nBcc: x@y", fileName: "qr.png", mediaType: "image/png", data: [1]),
            InlineImage(contentID: "qr@accolade", fileName: "q\"r.png", mediaType: "image/png", data: [1]),
        ] {
            #expect(throws: MIMEError.self) {
                try MIMEComposer().compose(email, from: from, to: from, date: Date(), messageID: "<x@y>", inlineImages: [image])
            }
        }
    }

    @Test(.enabled(if: QRScan.hasZbar, QRScan.missingZbar))
    func inlineQRArrivesAtARealSMTPServerAndDecodes() async throws {
        let mail = try TemporaryDirectory()
        let qrDirectory = try TemporaryDirectory()
        let server = try TestServer.python("smtp_capture.py", ["--dir", mail.path])
        defer { server.stop() }
        let artifacts = try QRArtifacts(config: QRChannelConfig(directory: qrDirectory.path), publicURL: "http://127.0.0.1:8080")
        let request = SMTPFixtures.request(id: "d-qr", html: Self.html)
        let source = FixedQRSource(artifacts: artifacts, payloads: [request.messageID: QRFixtures.indonesian])
        let driver = CurlMultiDriver()
        let channel = try SMTPEmailChannel(
            config: SMTPFixtures.config(port: server.port), driver: driver, logger: SMTPFixtures.logger, qrSource: source)
        let receipt = try await channel.deliver(request)
        await driver.shutdown()
        #expect(receipt.code == "250")

        let captured = try CapturedMessage.read(mail, 1)
        #expect(captured.defects.isEmpty)
        #expect(captured.content_type == "multipart/alternative")
        #expect(captured.parts.map(\.content_type) == ["text/plain", "text/html", "image/png"])
        #expect(captured.parts[1].content.contains("src=\"cid:qr@accolade\""))
        let raw = try CapturedMessage.raw(mail, 1)
        let image = try #require(RawMIME.part(contentID: "qr@accolade", in: raw))
        #expect(image.headers.contains("Content-Disposition: inline"))
        #expect(try QRScan.decode(png: image.body) == Array(QRFixtures.indonesian.utf8))
        // The same bytes are stored for the on-screen URL: embedding wrote the file first.
        let stored = try #require(QRImageStore(directory: qrDirectory.path).file(token: artifacts.token(messageID: request.messageID), format: .png))
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: stored))) == image.body)
    }

    @Test func cidReferenceWithoutAQRChannelFailsPermanently() async throws {
        let driver = CurlMultiDriver()
        // Nothing listens on port 9: the failure must come before any connection.
        let channel = try SMTPEmailChannel(config: SMTPFixtures.config(port: 9), driver: driver, logger: SMTPFixtures.logger)
        let error = await #expect(throws: DeliveryError.self) { try await channel.deliver(SMTPFixtures.request(html: Self.html)) }
        await driver.shutdown()
        #expect(error?.disposition == .permanent)
        #expect(error?.detail.contains("channels.qr") == true)
    }

    @Test func aTemplateThatCannotDrawFailsPermanentlyAndStoreTroubleRetries() async throws {
        let driver = CurlMultiDriver()
        let qrDirectory = try TemporaryDirectory()
        let artifacts = try QRArtifacts(config: QRChannelConfig(directory: qrDirectory.path), publicURL: "http://x")
        let missing = try SMTPEmailChannel(
            config: SMTPFixtures.config(port: 9), driver: driver, logger: SMTPFixtures.logger,
            qrSource: FixedQRSource(artifacts: artifacts, payloads: [:]))
        let permanent = await #expect(throws: DeliveryError.self) { try await missing.deliver(SMTPFixtures.request(html: Self.html)) }
        #expect(permanent?.disposition == .permanent)
        let flaky = try SMTPEmailChannel(
            config: SMTPFixtures.config(port: 9), driver: driver, logger: SMTPFixtures.logger, qrSource: UnreachableQRSource())
        let transient = await #expect(throws: DeliveryError.self) { try await flaky.deliver(SMTPFixtures.request(html: Self.html)) }
        #expect(transient?.disposition == .retry(after: nil))
        await driver.shutdown()
    }
}

private struct UnreachableQRSource: QRArtifactSource {
    func artifact(forMessage messageID: String) async throws(QRError) -> QRArtifact {
        throw .lookupFailed("database is unreachable")
    }
}
