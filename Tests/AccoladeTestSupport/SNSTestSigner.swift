import Crypto
import Foundation
import _CryptoExtras

/// Builds Amazon SNS HTTP deliveries signed with a test key, the way SNS does: the signed text is
/// `name\nvalue\n` for each signed field in SNS's order, signed RSA PKCS #1 v1.5 with SHA-1
/// (`SignatureVersion` 1) or SHA-256 (2). Written apart from Accolade's own code on purpose, so a
/// mistake in one is caught by the other.
public struct SNSTestSigner: Sendable {
    let key: _RSA.Signing.PrivateKey
    /// The `SigningCertURL` put into every message.
    public var certificateURL: String

    /// Reads the RSA key (PEM) the certificate at `certificateURL` belongs to.
    public init(keyFile: String, certificateURL: String) throws {
        key = try _RSA.Signing.PrivateKey(pemRepresentation: String(contentsOfFile: keyFile, encoding: .utf8))
        self.certificateURL = certificateURL
    }

    /// A `Notification` carrying `message` (an SES event's JSON text).
    public func notification(
        topic: String, message: String, messageID: String = UUID().uuidString.lowercased(), subject: String? = nil, version: String = "2",
        timestamp: String = "2026-12-07T03:00:00.000Z"
    ) throws -> [UInt8] {
        var signed: [(String, String)] = [("Message", message), ("MessageId", messageID)]
        if let subject { signed.append(("Subject", subject)) }
        signed += [("Timestamp", timestamp), ("TopicArn", topic), ("Type", "Notification")]
        var fields: [String: String] = [
            "Type": "Notification", "MessageId": messageID, "TopicArn": topic, "Message": message, "Timestamp": timestamp,
            "UnsubscribeURL": "https://sns.test-region.amazonaws.test/?Action=Unsubscribe",
        ]
        if let subject { fields["Subject"] = subject }
        return try body(fields, signed: signed, version: version)
    }

    /// A `SubscriptionConfirmation` asking to GET `subscribeURL`.
    public func confirmation(topic: String, subscribeURL: String, token: String = "2336412f37fb687f5d51e6e2425c464de", version: String = "2") throws -> [UInt8] {
        let messageID = UUID().uuidString.lowercased()
        let timestamp = "2026-12-07T03:00:00.000Z"
        let message = "You have chosen to subscribe to the topic \(topic).\nTo confirm the subscription, visit the SubscribeURL included in this message."
        let signed: [(String, String)] = [
            ("Message", message), ("MessageId", messageID), ("SubscribeURL", subscribeURL), ("Timestamp", timestamp), ("Token", token),
            ("TopicArn", topic), ("Type", "SubscriptionConfirmation"),
        ]
        let fields = [
            "Type": "SubscriptionConfirmation", "MessageId": messageID, "Token": token, "TopicArn": topic, "Message": message,
            "SubscribeURL": subscribeURL, "Timestamp": timestamp,
        ]
        return try body(fields, signed: signed, version: version)
    }

    private func body(_ fields: [String: String], signed: [(String, String)], version: String) throws -> [UInt8] {
        let text = Data(signed.map { "\($0.0)\n\($0.1)\n" }.joined().utf8)
        let signature = version == "1"
            ? try key.signature(for: Insecure.SHA1.hash(data: text), padding: .insecurePKCS1v1_5)
            : try key.signature(for: SHA256.hash(data: text), padding: .insecurePKCS1v1_5)
        var all = fields
        all["SignatureVersion"] = version
        all["Signature"] = signature.rawRepresentation.base64EncodedString()
        all["SigningCertURL"] = certificateURL
        return Array(try JSONSerialization.data(withJSONObject: all, options: [.sortedKeys]))
    }
}

/// Amazon SES event bodies (the JSON text of an SNS notification's `Message`), shaped like SES's
/// documented bounce and complaint notifications.
public enum SESSamples {
    /// A bounce of `address` for the message SES knows as `messageID`.
    public static func bounce(messageID: String, address: String, type: String = "Permanent", status: String = "5.1.1", feedbackID: String? = nil) -> String {
        json([
            "notificationType": "Bounce",
            "bounce": [
                "bounceType": type, "bounceSubType": type == "Permanent" ? "General" : "MailboxFull",
                "bouncedRecipients": [["emailAddress": address, "action": "failed", "status": status, "diagnosticCode": "smtp; 550 \(status) user unknown"]],
                "timestamp": "2026-12-07T03:00:00.000Z", "feedbackId": feedbackID ?? "0100018c-feedback-\(UUID().uuidString.lowercased())",
                "reportingMTA": "dsn; a27-1.smtp-out.eu-west-1.amazonses.com",
            ],
            "mail": mail(messageID: messageID, address: address),
        ])
    }

    /// A spam complaint by `address`.
    public static func complaint(messageID: String, address: String) -> String {
        json([
            "notificationType": "Complaint",
            "complaint": [
                "complainedRecipients": [["emailAddress": address]], "timestamp": "2026-12-07T03:00:00.000Z",
                "feedbackId": "0100018c-complaint-\(UUID().uuidString.lowercased())", "complaintFeedbackType": "abuse",
            ],
            "mail": mail(messageID: messageID, address: address),
        ])
    }

    /// A delivery event (changes nothing in Accolade).
    public static func delivery(messageID: String, address: String) -> String {
        json(["notificationType": "Delivery", "delivery": ["recipients": [address]], "mail": mail(messageID: messageID, address: address)])
    }

    private static func mail(messageID: String, address: String) -> [String: Any] {
        [
            "timestamp": "2026-12-07T02:59:58.000Z", "source": "rewards@acme.example", "messageId": messageID,
            "destination": [address], "headersTruncated": false,
        ]
    }

    private static func json(_ object: [String: Any]) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data(), as: UTF8.self)
    }
}
