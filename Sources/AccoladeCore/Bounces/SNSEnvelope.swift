import Foundation

/// One Amazon SNS HTTP(S) delivery: the JSON document SNS POSTs to a subscribed endpoint.
///
/// Only what Accolade checks and acts on: which kind of message it is, the fields its signature
/// covers, and where its signing certificate lives. The signature is checked by an
/// ``SNSGateway``; this type only builds the exact string SNS signed (``signedText``), since one
/// wrong byte there makes every genuine message look forged.
public struct SNSEnvelope: Sendable, Hashable {
    /// `Type`.
    public enum Kind: String, Sendable, Hashable {
        /// A message published to the topic (an SES event in `Message`).
        case notification = "Notification"
        /// SNS asks the endpoint to confirm it wants the topic's messages (GET `SubscribeURL`).
        case subscriptionConfirmation = "SubscriptionConfirmation"
        /// The subscription was removed.
        case unsubscribeConfirmation = "UnsubscribeConfirmation"
    }

    /// `Type`.
    public var kind: Kind
    /// `MessageId`: SNS's id of this delivery (the same on retries of it).
    public var messageID: String
    /// `TopicArn`: only configured topics are acted on.
    public var topicARN: String
    /// `Message`: for a notification the SES event as a JSON string.
    public var message: String
    /// `Subject`, when the publisher set one (it is then part of the signed text).
    public var subject: String?
    /// `Timestamp` as sent (ISO 8601).
    public var timestamp: String
    /// `Token` (confirmations only).
    public var token: String?
    /// `SubscribeURL` (confirmations only).
    public var subscribeURL: String?
    /// `SignatureVersion`: `1` (SHA1withRSA) or `2` (SHA256withRSA).
    public var signatureVersion: String
    /// `Signature`, decoded from base64.
    public var signature: [UInt8]
    /// `SigningCertURL`.
    public var signingCertURL: String

    /// Creates an envelope from its parts.
    public init(
        kind: Kind, messageID: String, topicARN: String, message: String, subject: String? = nil, timestamp: String,
        token: String? = nil, subscribeURL: String? = nil, signatureVersion: String, signature: [UInt8], signingCertURL: String
    ) {
        self.kind = kind
        self.messageID = messageID
        self.topicARN = topicARN
        self.message = message
        self.subject = subject
        self.timestamp = timestamp
        self.token = token
        self.subscribeURL = subscribeURL
        self.signatureVersion = signatureVersion
        self.signature = signature
        self.signingCertURL = signingCertURL
    }

    /// The largest body read: SNS messages are at most 256 KiB, plus the envelope's own fields.
    public static let maximumBytes = 300 * 1024

    /// Reads the JSON body SNS posted. Throws ``SNSEnvelopeError`` naming the first problem.
    public static func parse(_ body: [UInt8]) throws(SNSEnvelopeError) -> SNSEnvelope {
        guard body.count <= maximumBytes else { throw .tooLarge(body.count) }
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else { throw .notJSON }
        func field(_ name: String) throws(SNSEnvelopeError) -> String {
            guard let value = object[name] as? String, !value.isEmpty else { throw .missing(name) }
            return value
        }
        func optional(_ name: String) -> String? { (object[name] as? String).flatMap { $0.isEmpty ? nil : $0 } }
        let type = try field("Type")
        guard let kind = Kind(rawValue: type) else { throw .unknownType(type) }
        let version = try field("SignatureVersion")
        guard version == "1" || version == "2" else { throw .unsupportedSignatureVersion(version) }
        guard let signature = Data(base64Encoded: try field("Signature")), !signature.isEmpty else { throw .badSignatureEncoding }
        var envelope = SNSEnvelope(
            kind: kind, messageID: try field("MessageId"), topicARN: try field("TopicArn"), message: try field("Message"),
            subject: optional("Subject"), timestamp: try field("Timestamp"), signatureVersion: version, signature: Array(signature),
            signingCertURL: try field("SigningCertURL"))
        if kind != .notification {
            envelope.token = try field("Token")
            envelope.subscribeURL = try field("SubscribeURL")
        }
        return envelope
    }

    /// The text SNS signed: `name\nvalue\n` for each signed field in SNS's fixed order (a
    /// notification's `Subject` only when present; confirmations sign `SubscribeURL` and `Token`
    /// instead).
    public var signedText: String {
        var pairs: [(String, String)] = [("Message", message), ("MessageId", messageID)]
        switch kind {
        case .notification:
            if let subject { pairs.append(("Subject", subject)) }
            pairs += [("Timestamp", timestamp), ("TopicArn", topicARN), ("Type", kind.rawValue)]
        case .subscriptionConfirmation, .unsubscribeConfirmation:
            pairs += [
                ("SubscribeURL", subscribeURL ?? ""), ("Timestamp", timestamp), ("Token", token ?? ""), ("TopicArn", topicARN),
                ("Type", kind.rawValue),
            ]
        }
        return pairs.map { "\($0.0)\n\($0.1)\n" }.joined()
    }
}

/// Why a body is not an SNS message Accolade can check.
public enum SNSEnvelopeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The body is larger than any SNS message.
    case tooLarge(Int)
    /// The body is not a JSON object.
    case notJSON
    /// A required field is missing or empty.
    case missing(String)
    /// `Type` is none SNS sends to HTTP endpoints.
    case unknownType(String)
    /// `SignatureVersion` is neither 1 nor 2.
    case unsupportedSignatureVersion(String)
    /// `Signature` is not base64.
    case badSignatureEncoding

    /// What is wrong, for the problem answer and the log.
    public var description: String {
        switch self {
        case .tooLarge(let bytes): "the body is \(bytes) bytes, more than an SNS message can be (\(SNSEnvelope.maximumBytes))"
        case .notJSON: "the body is not an SNS message (a JSON object)"
        case .missing(let name): "the SNS message has no \(name)"
        case .unknownType(let type): "unknown SNS message Type \"\(type)\""
        case .unsupportedSignatureVersion(let version): "SignatureVersion \"\(version)\" is not supported (1 or 2)"
        case .badSignatureEncoding: "Signature is not base64"
        }
    }
}
