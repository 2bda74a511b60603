import AccoladeChannels
import AccoladeCore
import AccoladeCurl
import Foundation
import Testing

/// Twilio status callbacks and Kannel DLRs parsed into one receipt value.
struct SMSReceiptTests {
    @Test func twilioStatusCallbacksMapToDeliveryStates() throws {
        let base: [(String, String)] = [("MessageSid", "SM0123"), ("AccountSid", "AC1"), ("To", "+6281234567890"), ("ApiVersion", "2010-04-01")]
        let cases: [(String, DeliveryState)] = [
            ("queued", .sent), ("sending", .sent), ("sent", .sent), ("accepted", .sent), ("delivered", .delivered),
            ("read", .read), ("undelivered", .failed), ("failed", .failed), ("canceled", .failed),
        ]
        for (status, state) in cases {
            let event = try TwilioStatusCallback.parse(form: base + [("MessageStatus", status)])
            #expect(event.state == state, "\(status)")
            #expect(event.reference == .providerMessageID("SM0123"))
            #expect(event.rawStatus == status)
            #expect(event.source == "twilio")
        }
        let failed = try TwilioStatusCallback.parse(form: base + [("MessageStatus", "undelivered"), ("ErrorCode", "30003")])
        #expect(failed.errorCode == "30003")
        #expect(failed.detail == "undelivered (error 30003: unreachable handset)")
        // Legacy field names alone are enough.
        let legacy = try TwilioStatusCallback.parse(form: [("SmsSid", "SM9"), ("SmsStatus", "Delivered")])
        #expect(legacy.state == .delivered && legacy.reference == .providerMessageID("SM9"))
        #expect(throws: WebhookRejection.self) { try TwilioStatusCallback.parse(form: [("MessageStatus", "delivered")]) }
        #expect(throws: WebhookRejection.self) { try TwilioStatusCallback.parse(form: [("MessageSid", "SM1"), ("MessageStatus", "teleported")]) }
    }

    @Test func repeatsShareADeduplicationKeyAndLaterStatesApplyMonotonically() throws {
        let delivered = try TwilioStatusCallback.parse(form: [("MessageSid", "SM1"), ("MessageStatus", "delivered")])
        let again = try TwilioStatusCallback.parse(form: [("MessageSid", "SM1"), ("MessageStatus", "delivered"), ("RawDlrDoneDate", "2611240512")])
        let sent = try TwilioStatusCallback.parse(form: [("MessageSid", "SM1"), ("MessageStatus", "sent")])
        #expect(delivered.deduplicationKey == again.deduplicationKey)
        #expect(delivered.deduplicationKey != sent.deduplicationKey)
        // Out of order: "sent" after "delivered" changes nothing; "failed" is terminal.
        #expect(DeliveryStateMachine.applyReceipt(delivered.state, to: .sent) == .delivered)
        #expect(DeliveryStateMachine.applyReceipt(sent.state, to: .delivered) == nil)
        #expect(DeliveryStateMachine.applyReceipt(delivered.state, to: .delivered) == nil)
    }

    @Test func kannelDLRTokenIsUnguessableAndVerifiable() {
        let tokens = KannelDLRToken(secret: "s3cret-s3cret-s3cret")
        let token = tokens.make(deliveryID: "0190f3a2-7b1c-7d2e-8f00-123456789abc")
        #expect(token.hasPrefix("0190f3a2-7b1c-7d2e-8f00-123456789abc."))
        #expect(token.count == 36 + 1 + 22)
        #expect(tokens.verify(token) == "0190f3a2-7b1c-7d2e-8f00-123456789abc")
        #expect(tokens.make(deliveryID: "d-1") == tokens.make(deliveryID: "d-1"))
        // Another delivery's MAC, a flipped character, another key, garbage: all refused.
        let other = tokens.make(deliveryID: "d-2")
        #expect(tokens.verify("d-1." + other.split(separator: ".").last!) == nil)
        var flipped = Array(token)
        flipped[flipped.count - 1] = flipped.last == "A" ? "B" : "A"
        #expect(tokens.verify(String(flipped)) == nil)
        #expect(KannelDLRToken(secret: "another-secret-value").verify(token) == nil)
        for junk in ["", ".", "abc", ".abc", "d-1.", String(repeating: "x", count: 500)] { #expect(tokens.verify(junk) == nil) }
    }

    @Test func kannelDLRsParseAfterTheTokenCheck() throws {
        let tokens = KannelDLRToken(secret: "s3cret-s3cret-s3cret")
        let token = tokens.make(deliveryID: "d-7")
        let cases: [(String, DeliveryState)] = [("1", .delivered), ("2", .failed), ("4", .sent), ("8", .sent), ("16", .failed)]
        for (status, state) in cases {
            let event = try KannelDLR.parse(query: [("token", token), ("status", status), ("ts", "1795498371"), ("reply", "ACK/")], tokens: tokens)
            #expect(event.state == state)
            #expect(event.reference == .deliveryID("d-7"))
            #expect(event.occurredAt == Date(timeIntervalSince1970: 1_795_498_371))
            #expect(event.errorCode == (state == .failed ? status : nil))
        }
        let accepted = try KannelDLR.parse(query: [("token", token), ("status", "8"), ("reply", "ACK/")], tokens: tokens)
        #expect(accepted.detail == "accepted by SMSC: ACK/")
        do {
            _ = try KannelDLR.parse(query: [("token", "d-7.AAAAAAAAAAAAAAAAAAAAAA"), ("status", "1")], tokens: tokens)
            Issue.record("a forged token was accepted")
        } catch {
            #expect(error.status == 403)
        }
        #expect(throws: WebhookRejection.self) { try KannelDLR.parse(query: [("status", "1")], tokens: tokens) }
        #expect(throws: WebhookRejection.self) { try KannelDLR.parse(query: [("token", token), ("status", "3")], tokens: tokens) }
        #expect(throws: WebhookRejection.self) { try KannelDLR.parse(query: [("token", token)], tokens: tokens) }
    }

    @Test func kannelPartReportsAreSignedForTheirPartAndDeduplicatedPerPart() throws {
        let tokens = KannelDLRToken(secret: "s3cret-s3cret-s3cret")
        let two = ReceiptReport.Part(index: 2, count: 3)
        let token = tokens.make(deliveryID: "d-7", part: two)
        #expect(token != tokens.make(deliveryID: "d-7"))
        #expect(tokens.verify(token, part: two) == "d-7")
        #expect(tokens.verify(token) == nil)
        #expect(tokens.verify(token, part: ReceiptReport.Part(index: 1, count: 3)) == nil)
        #expect(tokens.verify(token, part: ReceiptReport.Part(index: 2, count: 4)) == nil)
        let event = try KannelDLR.parse(query: [("token", token), ("part", "2"), ("parts", "3"), ("status", "1")], tokens: tokens)
        #expect(event.part == two && event.reference == .deliveryID("d-7") && event.state == .delivered)
        let other = try KannelDLR.parse(
            query: [("token", tokens.make(deliveryID: "d-7", part: ReceiptReport.Part(index: 1, count: 3))), ("part", "1"), ("parts", "3"), ("status", "1")],
            tokens: tokens)
        #expect(other.deduplicationKey != event.deduplicationKey)
        // A part moved, dropped or out of range: refused.
        for query: [(String, String)] in [
            [("token", token), ("part", "1"), ("parts", "3"), ("status", "1")],
            [("token", token), ("status", "1")],
            [("token", token), ("part", "4"), ("parts", "3"), ("status", "1")],
            [("token", token), ("part", "2"), ("status", "1")],
            [("token", token), ("part", "x"), ("parts", "3"), ("status", "1")],
        ] {
            #expect(throws: WebhookRejection.self) { try KannelDLR.parse(query: query, tokens: tokens) }
        }
    }

    @Test func kannelSendsALongTextAsPartsWithTheirHeaderAndPartDLRURL() async throws {
        let driver = CurlMultiDriver()
        let provider = KannelSMSProvider(
            name: "gateway", config: KannelProviderConfig(sendsmsURL: "http://127.0.0.1:9/cgi-bin/sendsms", username: "u", password: "p"),
            publicURL: "https://rewards.example.com", driver: driver)
        let text = String(repeating: "á", count: 66) + "😀" + String(repeating: "b", count: 10)
        let queries = provider.queries(SMSOutgoing(deliveryID: "d-9", to: "+6281234567890", text: text))
        #expect(queries.count == 2)
        let ref = SMSConcatenationHeader.reference(forDelivery: "d-9")
        for (offset, query) in queries.enumerated() {
            let udh = String(format: "&udh=%%05%%00%%03%%%02X%%02%%%02X", Int(ref), offset + 1)
            #expect(query.hasSuffix(udh), "\(query)")
            let fields = FormURLEncoding.decode(query)
            let dlr = try #require(fields.first { $0.0 == "dlr-url" }?.1)
            #expect(dlr.contains("&part=\(offset + 1)&parts=2&status=%d"))
            #expect(fields.first { $0.0 == "coding" }?.1 == "2")
        }
        let texts = queries.map { FormURLEncoding.decode($0).first { $0.0 == "text" }!.1 }
        #expect(texts.joined() == text && texts.map(\.utf16.count) == [66, 12])
        // A single SMS goes as before: no udh, no part.
        let single = provider.queries(SMSOutgoing(deliveryID: "d-9", to: "+6281234567890", text: "Selamat 😀"))
        #expect(single.count == 1 && !single[0].contains("udh=") && !single[0].contains("part%3D"))
        await driver.shutdown()
    }
}
