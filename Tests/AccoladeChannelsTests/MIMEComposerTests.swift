import AccoladeChannels
import AccoladeCore
import Foundation
import Testing

@Suite struct MIMEComposerTests {
    let from = try! EmailAddress.parse("Acme Rewards <rewards@acme.example>")
    let to = try! EmailAddress(address: "ana@example.co.id", displayName: "Ana Putri")
    let email = RenderedEmail(subject: "Selamat, Ana! 🎉", text: "Halo Ana,\nKode Anda: RW-7Q2K\n", html: "<p>Halo <b>Ana</b>,</p>\n<p>Kode: RW-7Q2K</p>")
    let date = Date(timeIntervalSince1970: 1_795_464_000)  // Mon, 23 Nov 2026 20:00:00 +0000

    private func compose(_ email: RenderedEmail? = nil, to: EmailAddress? = nil, from: EmailAddress? = nil, boundary: String? = nil) throws -> [UInt8] {
        try MIMEComposer().compose(
            email ?? self.email, from: from ?? self.from, to: to ?? self.to, date: date,
            messageID: MIMEComposer.messageID(deliveryID: "0190d1f2-7c3a-7bbb-8000-000000000001", from: from ?? self.from),
            boundary: boundary)
    }

    @Test func headersAreComplete() throws {
        let (block, _) = MailDecoding.splitHeaders(try compose(boundary: "=_test_boundary_0123456789abcdefghij"))
        #expect(MailDecoding.header("Date", in: block) == "Mon, 23 Nov 2026 20:00:00 +0000")
        #expect(MailDecoding.header("From", in: block) == "Acme Rewards <rewards@acme.example>")
        #expect(MailDecoding.header("To", in: block) == "Ana Putri <ana@example.co.id>")
        #expect(MailDecoding.decodeHeader(MailDecoding.header("Subject", in: block)!) == "Selamat, Ana! 🎉")
        #expect(MailDecoding.header("Message-ID", in: block) == "<0190d1f2-7c3a-7bbb-8000-000000000001@acme.example>")
        #expect(MailDecoding.header("MIME-Version", in: block) == "1.0")
        #expect(MailDecoding.header("Content-Type", in: block) == "multipart/alternative; boundary=\"=_test_boundary_0123456789abcdefghij\"")
    }

    @Test func everyLineEndsInCRLFAndIsShort() throws {
        let bytes = try compose(RenderedEmail(subject: "s", text: String(repeating: "long line ", count: 50) + "\rbare cr\nbare lf", html: "<p>\n</p>"))
        for (index, byte) in bytes.enumerated() {
            if byte == 0x0A { #expect(index > 0 && bytes[index - 1] == 0x0D) }
            if byte == 0x0D { #expect(index + 1 < bytes.count && bytes[index + 1] == 0x0A) }
        }
        for line in String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n") { #expect(line.utf8.count <= 78) }
        #expect(bytes.allSatisfy { $0 < 0x80 })
    }

    @Test func textPartComesFirstHTMLLast() throws {
        let boundary = "=_test_boundary_0123456789abcdefghij"
        let message = String(decoding: try compose(boundary: boundary), as: UTF8.self)
        let parts = message.components(separatedBy: "--\(boundary)")
        #expect(parts.count == 4)  // preamble, text, html, closing
        #expect(parts[1].contains("Content-Type: text/plain; charset=UTF-8"))
        #expect(parts[1].contains("Content-Transfer-Encoding: quoted-printable"))
        #expect(parts[2].contains("Content-Type: text/html; charset=UTF-8"))
        #expect(parts[3] == "--\r\n")
        #expect(message.hasSuffix("\r\n--\(boundary)--\r\n"))
    }

    @Test func partsDecodeToTheRenderedBodies() throws {
        let boundary = "=_test_boundary_0123456789abcdefghij"
        let message = String(decoding: try compose(boundary: boundary), as: UTF8.self)
        let parts = message.components(separatedBy: "\r\n--\(boundary)")
        // parts: headers, text part, html part, closing "--".
        #expect(parts.count == 4)
        let text = parts[1].components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
        let html = parts[2].components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
        #expect(String(decoding: MailDecoding.decodeQuotedPrintable(Array(text.utf8)), as: UTF8.self) == "Halo Ana,\r\nKode Anda: RW-7Q2K\r\n")
        #expect(String(decoding: MailDecoding.decodeQuotedPrintable(Array(html.utf8)), as: UTF8.self) == "<p>Halo <b>Ana</b>,</p>\r\n<p>Kode: RW-7Q2K</p>")
    }

    @Test func randomBoundaryIsLongAndAbsentFromParts() throws {
        let evil = RenderedEmail(subject: "s", text: "--=_Accolade_ and =_ and --", html: "<p>=_Accolade_</p>")
        let message = String(decoding: try compose(evil), as: UTF8.self)
        let contentType = MailDecoding.header("Content-Type", in: MailDecoding.splitHeaders(Array(message.utf8)).0)!
        let boundary = String(contentType.split(separator: "\"")[1])
        #expect(boundary.count >= 30)
        let body = message.components(separatedBy: "\r\n\r\n").dropFirst().joined()
        // Only delimiter lines contain the boundary.
        for line in body.components(separatedBy: "\r\n") where line.contains(boundary) {
            #expect(line == "--\(boundary)" || line == "--\(boundary)--")
        }
        let other = String(decoding: try compose(evil), as: UTF8.self)
        #expect(!other.contains(boundary))
    }

    @Test(arguments: ["Hi\r\nBcc: x@evil.example", "Hi\nthere", "Hi\rthere", "Hi\0"])
    func subjectInjectionIsRejected(subject: String) {
        #expect(throws: MIMEError.headerInjection(field: "subject")) {
            try compose(RenderedEmail(subject: subject, text: "t", html: "h"))
        }
    }

    @Test func nameAddressAndFromInjectionAreRejectedAtConstruction() {
        #expect(throws: ValidationError.self) { try EmailAddress(address: "ana@example.com", displayName: "Ana\r\nBcc: x@y.co") }
        #expect(throws: ValidationError.self) { try EmailAddress(address: "ana@example.com\r\nBcc: x@y.co") }
        #expect(throws: ValidationError.self) { try EmailAddress.parse("Acme\nRewards <rewards@acme.example>") }
    }

    @Test func dateFormat() {
        #expect(RFC5322Date.format(Date(timeIntervalSince1970: 0)) == "Thu, 01 Jan 1970 00:00:00 +0000")
        #expect(RFC5322Date.format(Date(timeIntervalSince1970: 951_782_400)) == "Tue, 29 Feb 2000 00:00:00 +0000")
        #expect(RFC5322Date.format(Date(timeIntervalSince1970: 1_795_464_000.9)) == "Mon, 23 Nov 2026 20:00:00 +0000")
        #expect(RFC5322Date.format(Date(timeIntervalSince1970: 4_102_444_799)) == "Thu, 31 Dec 2099 23:59:59 +0000")
        #expect(RFC5322Date.format(Date(timeIntervalSince1970: -1)) == "Wed, 31 Dec 1969 23:59:59 +0000")
    }

    @Test func messageIDIsStableAndWellFormed() throws {
        let first = MIMEComposer.messageID(deliveryID: "0190d1f2-7c3a", from: from)
        #expect(first == "<0190d1f2-7c3a@acme.example>")
        #expect(MIMEComposer.messageID(deliveryID: "a.b c", from: from) == "<a=2Eb=20c@acme.example>")
        // Two attempts of one delivery produce byte-identical headers (random boundary aside).
        let one = MailDecoding.splitHeaders(try compose(boundary: "=_b_0123456789012345678901234567")).0
        let two = MailDecoding.splitHeaders(try compose(boundary: "=_b_0123456789012345678901234567")).0
        #expect(one == two)
        #expect(MailDecoding.header("Message-ID", in: one) == MailDecoding.header("Message-ID", in: two))
    }
}
