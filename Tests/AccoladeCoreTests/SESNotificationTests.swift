import Foundation
import Testing

@testable import AccoladeCore

/// Amazon SES via SNS, the pure parts: the SNS envelope and the exact text SNS signs, which URLs
/// may be fetched, SES events read as bounce reports, and `bounces.ses` in the configuration.
@Suite("SES via SNS: envelopes, signed text, host patterns, SES events, configuration")
struct SESNotificationTests {
    static let topic = "arn:aws:sns:eu-west-1:123456789012:ses-feedback"

    static func body(_ fields: [String: String]) -> [UInt8] {
        Array(try! JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]))
    }

    static let notification: [String: String] = [
        "Type": "Notification", "MessageId": "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324", "TopicArn": topic,
        "Message": "{\"notificationType\":\"Delivery\"}", "Timestamp": "2026-12-07T03:00:00.000Z", "SignatureVersion": "1",
        "Signature": "EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q=",
        "SigningCertURL": "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem",
    ]

    @Test("a notification's signed text is Message, MessageId, [Subject,] Timestamp, TopicArn, Type as name\\nvalue\\n pairs")
    func notificationText() throws {
        let envelope = try SNSEnvelope.parse(Self.body(Self.notification))
        #expect(envelope.kind == .notification && envelope.signatureVersion == "1" && envelope.signature.count == 128)
        #expect(envelope.signedText == """
            Message
            {"notificationType":"Delivery"}
            MessageId
            22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324
            Timestamp
            2026-12-07T03:00:00.000Z
            TopicArn
            \(Self.topic)
            Type
            Notification

            """)
        var withSubject = Self.notification
        withSubject["Subject"] = "Amazon SES Email Event Notification"
        let subject = try SNSEnvelope.parse(Self.body(withSubject)).signedText
        #expect(subject.contains("MessageId\n22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\nSubject\nAmazon SES Email Event Notification\nTimestamp\n"))
    }

    @Test("a confirmation's signed text adds SubscribeURL and Token in their places; both are required")
    func confirmationText() throws {
        var fields = Self.notification
        fields["Type"] = "SubscriptionConfirmation"
        fields["Message"] = "You have chosen to subscribe"
        #expect(throws: SNSEnvelopeError.missing("Token")) { try SNSEnvelope.parse(Self.body(fields)) }
        fields["Token"] = "2336412f37"
        fields["SubscribeURL"] = "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=x&Token=2336412f37"
        let envelope = try SNSEnvelope.parse(Self.body(fields))
        #expect(envelope.signedText == "Message\nYou have chosen to subscribe\nMessageId\n22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\n"
            + "SubscribeURL\n\(fields["SubscribeURL"]!)\nTimestamp\n2026-12-07T03:00:00.000Z\nToken\n2336412f37\n"
            + "TopicArn\n\(Self.topic)\nType\nSubscriptionConfirmation\n")
    }

    @Test("bodies that are not SNS messages are refused with the reason")
    func malformed() {
        #expect(throws: SNSEnvelopeError.notJSON) { try SNSEnvelope.parse(Array("Type=Notification".utf8)) }
        var fields = Self.notification
        fields["SignatureVersion"] = "3"
        #expect(throws: SNSEnvelopeError.unsupportedSignatureVersion("3")) { try SNSEnvelope.parse(Self.body(fields)) }
        fields = Self.notification
        fields["Type"] = "Gossip"
        #expect(throws: SNSEnvelopeError.unknownType("Gossip")) { try SNSEnvelope.parse(Self.body(fields)) }
        fields = Self.notification
        fields["Signature"] = "%%%"
        #expect(throws: SNSEnvelopeError.badSignatureEncoding) { try SNSEnvelope.parse(Self.body(fields)) }
        fields = Self.notification
        fields.removeValue(forKey: "SigningCertURL")
        #expect(throws: SNSEnvelopeError.missing("SigningCertURL")) { try SNSEnvelope.parse(Self.body(fields)) }
        #expect(throws: SNSEnvelopeError.tooLarge(SNSEnvelope.maximumBytes + 1)) {
            try SNSEnvelope.parse([UInt8](repeating: 0x20, count: SNSEnvelope.maximumBytes + 1))
        }
    }

    @Test("only https URLs on an allowed host (one label per *) pass; look-alikes, user parts, http and other ports do not")
    func hostPatterns() throws {
        let aws = SNSHostPattern.aws
        #expect(aws.allows("https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-abc.pem", certificate: true))
        #expect(aws.allows("https://SNS.us-east-1.amazonaws.com:443/x.pem", certificate: true))
        #expect(aws.allows("https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&Token=t", certificate: false))
        for url in [
            "http://sns.eu-west-1.amazonaws.com/x.pem",  // not https
            "https://sns.eu-west-1.amazonaws.com.evil.example/x.pem",  // suffix added
            "https://evilsns.eu-west-1.amazonaws.com/x.pem",  // label prefix
            "https://sns.a.b.amazonaws.com/x.pem",  // * is one label
            "https://sns..amazonaws.com/x.pem",  // empty label
            "https://sns.eu-west-1.amazonaws.com@evil.example/x.pem",  // user part
            "https://user@sns.eu-west-1.amazonaws.com/x.pem",
            "https://sns.eu-west-1.amazonaws.com:8443/x.pem",  // another port
            "https://sns.eu-west-1.amazonaws.com/x.txt",  // not a .pem
            "file:///etc/passwd.pem", "not a url",
        ] {
            #expect(!aws.allows(url, certificate: true), "\(url)")
        }
        let loopback = try #require(SNSHostPattern("127.0.0.1:*"))
        #expect(loopback.allows("https://127.0.0.1:43211/cert.pem", certificate: true))
        #expect(!loopback.allows("https://127.0.0.2:43211/cert.pem", certificate: true))
        let fixed = try #require(SNSHostPattern("localhost:8443"))
        #expect(fixed.allows("https://localhost:8443/a.pem", certificate: true) && !fixed.allows("https://localhost:8444/a.pem", certificate: true))
        for bad in ["*", "*.*", "sns.*.amazonaws.com:x", "sns .amazonaws.com", "", "sns.-a.com", "a:123456"] {
            #expect(SNSHostPattern(bad) == nil, "\(bad)")
        }
    }

    @Test("SES bounces: Permanent is hard, Transient and Undetermined soft; the relay id and Message-ID are kept")
    func sesBounces() throws {
        func event(_ type: String) -> String {
            """
            {"notificationType":"Bounce","bounce":{"bounceType":"\(type)","bounceSubType":"General","feedbackId":"fb-1",
             "bouncedRecipients":[{"emailAddress":"Ana Putri <Ana@Example.com>","action":"failed","status":"5.1.1",
             "diagnosticCode":"smtp; 550 5.1.1 user unknown"}]},
             "mail":{"messageId":"0100018c-aaaa","commonHeaders":{"messageId":"<d-1@accolade>"}}}
            """
        }
        let hard = try #require(try BounceReport.ses(event("Permanent"), fallbackID: "sns-1"))
        #expect(hard.lines == [BounceReport.Line(address: "ana@example.com", kind: .hard, status: "5.1.1", diagnostic: "smtp; 550 5.1.1 user unknown")])
        #expect(hard.relayMessageID == "0100018c-aaaa" && hard.originalMessageID == "<d-1@accolade>" && hard.reportID == "fb-1")
        #expect(try BounceReport.ses(event("Transient"), fallbackID: "sns-1")?.lines.first?.kind == .soft)
        #expect(try BounceReport.ses(event("Undetermined"), fallbackID: "sns-1")?.lines.first?.kind == .soft)
        // Configuration-set events say eventType; headers come as a list.
        let published = """
            {"eventType":"Complaint","complaint":{"complainedRecipients":[{"emailAddress":"bo@example.com"}],"complaintFeedbackType":"abuse"},
             "mail":{"messageId":"0100018c-bbbb","headers":[{"name":"Message-ID","value":"<d-2@accolade>"}]}}
            """
        let complaint = try #require(try BounceReport.ses(published, fallbackID: "sns-2"))
        #expect(complaint.lines.map(\.kind) == [.complaint] && complaint.originalMessageID == "<d-2@accolade>" && complaint.reportID == "sns-2")
        #expect(try BounceReport.ses(#"{"notificationType":"Delivery","mail":{"messageId":"x"}}"#, fallbackID: "s") == nil)
        let notSpam = try #require(try BounceReport.ses(
            #"{"notificationType":"Complaint","complaint":{"complainedRecipients":[{"emailAddress":"c@example.com"}],"complaintFeedbackType":"not-spam"},"mail":{}}"#,
            fallbackID: "s"))
        #expect(notSpam.lines.isEmpty && notSpam.ignored == ["complaintFeedbackType not-spam"])
        #expect(throws: BounceReportError.self) { try BounceReport.ses("[1]", fallbackID: "s") }
        #expect(throws: BounceReportError.noRecipients) { try BounceReport.ses(#"{"notificationType":"Bounce","bounce":{}}"#, fallbackID: "s") }
    }

    @Test("bounces.ses: topics required and checked, host patterns checked, unknown keys refused — errors name the key")
    func configuration() throws {
        func parse(_ ses: String) throws -> AccoladeConfig { try AccoladeConfig.parse(yaml: "bounces:\n  ses:\n\(ses)", environment: [:]) }
        let config = try parse("    topic_arns: [\(Self.topic)]\n    certificate_hosts: [\"127.0.0.1:*\"]\n    confirm_subscriptions: false")
        let ses = try #require(config.bounces.ses)
        #expect(ses.topicARNs == [Self.topic] && ses.certificateHosts.map(\.description) == ["127.0.0.1:*"] && !ses.confirmSubscriptions)
        #expect(try parse("    topic_arns: [\(Self.topic)]").bounces.ses?.certificateHosts == [.aws])
        func refusal(_ ses: String) -> String {
            do {
                _ = try parse(ses)
                return "accepted"
            } catch {
                return "\(error)"
            }
        }
        #expect(refusal("    confirm_subscriptions: true").contains("bounces.ses.topic_arns"))
        #expect(refusal("    topic_arns: [arn:aws:sqs:eu-west-1:1:q]").contains("bounces.ses.topic_arns[0]"))
        #expect(refusal("    topic_arns: [\(Self.topic)]\n    certificate_hosts: [\"*\"]").contains("bounces.ses.certificate_hosts[0]"))
        #expect(refusal("    topic_arns: [\(Self.topic)]\n    certficate_hosts: [x]").contains("certficate_hosts"))
        #expect(try AccoladeConfig.parse(yaml: "bounces:\n  soft_limit: 2", environment: [:]).bounces.ses == nil)
    }
}
