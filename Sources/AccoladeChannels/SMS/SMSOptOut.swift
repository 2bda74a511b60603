import Foundation

/// Opt-out and opt-in keywords in inbound SMS (Twilio inbound webhook, Kannel MO): pure.
///
/// A message counts only when it is a single keyword, case-insensitive, ignoring surrounding
/// whitespace and trailing punctuation — "Stop." opts out, "please stop texting me" does not
/// (the same rule carriers and Twilio apply). Keywords: STOP, STOPALL, UNSUBSCRIBE, CANCEL, END,
/// QUIT, OPTOUT, REVOKE opt out; START, YES, UNSTOP opt back in; HELP, INFO ask for help.
public enum SMSOptOut {
    /// What an inbound message asks for.
    public enum Action: String, Sendable, Hashable {
        /// Add the sender to the suppression list.
        case optOut = "opt_out"
        /// Remove the sender from the suppression list.
        case optIn = "opt_in"
        /// The sender asked for help (no change to the list).
        case help
    }

    /// The keywords per action, upper case.
    public static let optOutKeywords: Set<String> = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"]
    /// Keywords that opt back in.
    public static let optInKeywords: Set<String> = ["START", "YES", "UNSTOP"]
    /// Keywords that ask for help.
    public static let helpKeywords: Set<String> = ["HELP", "INFO"]

    /// The action an inbound body asks for, or nil for an ordinary message.
    public static func action(for body: String) -> Action? {
        var word = Substring(body).trimmingWhitespace()
        while let last = word.last, last.isPunctuation { word = word.dropLast() }
        guard !word.isEmpty, word.count <= 16, !word.contains(where: \.isWhitespace) else { return nil }
        let keyword = word.uppercased()
        if optOutKeywords.contains(keyword) { return .optOut }
        if optInKeywords.contains(keyword) { return .optIn }
        if helpKeywords.contains(keyword) { return .help }
        return nil
    }
}

/// An inbound SMS reduced to what the suppression list needs.
public struct SMSInboundMessage: Sendable, Hashable {
    /// The sender's number as the provider gave it (E.164 for Twilio; Kannel's `%p`).
    public var from: String
    /// The body.
    public var body: String

    /// Creates an inbound message.
    public init(from: String, body: String) {
        self.from = from
        self.body = body
    }

    /// What it asks for (see ``SMSOptOut/action(for:)``).
    public var action: SMSOptOut.Action? { SMSOptOut.action(for: body) }

    /// Reads Twilio's inbound message webhook form (`From`, `Body`); verify the signature first.
    public static func twilio(form: [(String, String)]) throws(WebhookRejection) -> SMSInboundMessage {
        try make(from: form.first { $0.0 == "From" }?.1, body: form.first { $0.0 == "Body" }?.1 ?? "", names: "From")
    }

    /// Reads a Kannel MO request made by the `sms-service` `get-url` (`from=%p&text=%a`).
    public static func kannel(query: [(String, String)]) throws(WebhookRejection) -> SMSInboundMessage {
        try make(from: query.first { $0.0 == "from" }?.1, body: query.first { $0.0 == "text" }?.1 ?? "", names: "from")
    }

    private static func make(from: String?, body: String, names: String) throws(WebhookRejection) -> SMSInboundMessage {
        guard var from = from?.trimmingCharacters(in: .whitespaces), !from.isEmpty else {
            throw WebhookRejection(status: 400, reason: "\(names) is missing")
        }
        // Kannel may give the international prefix as 00; the list is keyed by E.164.
        if from.hasPrefix("00") { from = "+" + from.dropFirst(2) }
        guard E164.isValid(from) else {
            throw WebhookRejection(status: 400, reason: "\(names) is not an E.164 number")
        }
        return SMSInboundMessage(from: from, body: body)
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        var s = self
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return s
    }
}
