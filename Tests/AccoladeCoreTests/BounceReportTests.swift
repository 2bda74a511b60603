import AccoladeCore
import AccoladeTestSupport
import Foundation
import Testing

@Suite("Bounce reports: DSNs, complaints, VERP and Message-IDs")
struct BounceReportTests {
    @Test("a DSN: the recipient line, its status and diagnostic (folded), where it was delivered, the original Message-ID")
    func dsn() throws {
        let report = try BounceReport.parse(BounceSamples.dsn(to: "bounces+dlv_1@mail.example.com", recipient: "Ana@Example.com", status: "5.1.1", originalMessageID: "<dlv_1@example.com>"))
        #expect(report.lines.count == 1)
        let line = try #require(report.lines.first)
        #expect(line.address == "ana@example.com")
        #expect(line.kind == .hard)
        #expect(line.status == "5.1.1")
        #expect(line.diagnostic == "smtp; 550 5.1.1 <Ana@Example.com>: Recipient address rejected: User unknown in virtual mailbox table")
        #expect(report.envelopeRecipients.contains("bounces+dlv_1@mail.example.com"))
        #expect(report.originalMessageID == "<dlv_1@example.com>")
        #expect(report.reportID?.hasPrefix("<dsn-") == true)
    }

    @Test("class 4 with Action failed is soft; delayed and delivered are not bounces", arguments: [
        ("failed", "4.2.2", BounceReport.Kind?.some(.soft)), ("delayed", "4.4.7", nil), ("delivered", "2.0.0", nil), ("failed", "5.7.1", .hard),
    ])
    func kinds(action: String, status: String, kind: BounceReport.Kind?) throws {
        let report = try BounceReport.parse(BounceSamples.dsn(to: "x@example.com", recipient: "ana@example.com", status: status, action: action))
        #expect(report.lines.first?.kind == kind)
        #expect(report.ignored.count == (kind == nil ? 1 : 0))
    }

    @Test("an abuse report is a complaint about Original-Rcpt-To; the returned message gives the Message-ID")
    func complaint() throws {
        let report = try BounceReport.parse(BounceSamples.complaint(originalMessageID: "<dlv_9@example.com>", recipient: "ana@example.com"))
        #expect(report.lines == [BounceReport.Line(address: "ana@example.com", kind: .complaint, status: nil, diagnostic: "feedback-type abuse")])
        #expect(report.originalMessageID == "<dlv_9@example.com>")
    }

    @Test("a base64 delivery-status part and LF line ends are read too")
    func encodings() throws {
        let status = Data("Reporting-MTA: dns; a.example\n\nFinal-Recipient: rfc822; bo@example.com\nAction: failed\nStatus: 5.2.1\n".utf8).base64EncodedString()
        let text = """
            To: bounces+dlv_2@example.com
            Content-Type: multipart/report; report-type=delivery-status; boundary=XYZ

            --XYZ
            Content-Type: text/plain

            sorry
            --XYZ
            Content-Type: message/delivery-status
            Content-Transfer-Encoding: base64

            \(status)
            --XYZ--
            """
        let report = try BounceReport.parse(Array(text.utf8))
        #expect(report.lines.map(\.address) == ["bo@example.com"])
        #expect(report.lines.first?.kind == .hard)
    }

    @Test("what is not a report is refused with what was expected", arguments: [
        ("", BounceReportError.empty), ("no header here", .notAMessage),
        ("Subject: hi\r\nContent-Type: text/plain\r\n\r\nhello", .notAReport("text/plain")),
    ])
    func refused(text: String, error: BounceReportError) {
        #expect(throws: error) { try BounceReport.parse(Array(text.utf8)) }
    }

    @Test("VERP: the template is checked, the id goes in and comes out, the domain without case")
    func returnPath() throws {
        let path = try ReturnPath("bounces+{delivery_id}@Mail.Example.com")
        #expect(path.address(deliveryID: "dlv_01a2") == "bounces+dlv_01a2@Mail.Example.com")
        #expect(path.deliveryID(in: "bounces+dlv_01a2@mail.example.com") == "dlv_01a2")
        #expect(path.deliveryID(in: "other+dlv_01a2@mail.example.com") == nil)
        #expect(path.deliveryID(in: "bounces+@mail.example.com") == nil)
        for bad in ["bounces@example.com", "{delivery_id}{delivery_id}@example.com", "bounces@{delivery_id}.example.com", "b ounces+{delivery_id}@example.com"] {
            #expect(throws: ValidationError.self) { try ReturnPath(bad) }
        }
    }

    @Test("the delivery id in a Message-ID Accolade wrote, escapes undone")
    func messageID() {
        #expect(DeliveryMessageID.deliveryID(in: "<dlv_01a2@example.com>") == "dlv_01a2")
        #expect(DeliveryMessageID.deliveryID(in: "<a=2Eb@example.com>") == "a.b")
        #expect(DeliveryMessageID.deliveryID(in: "no-at-sign") == nil)
    }
}
