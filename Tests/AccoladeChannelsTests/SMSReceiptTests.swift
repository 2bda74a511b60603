import AccoladeChannels
import AccoladeCore
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
}
