import Foundation

/// Opt-out and opt-in keywords in inbound messages (Twilio inbound webhook, Kannel MO, WhatsApp
/// `messages[]`): pure.
///
/// A message counts only when it is a single keyword, case-insensitive, ignoring surrounding
/// whitespace and trailing punctuation — "Stop." opts out, "please stop texting me" does not
/// (the same rule carriers and Twilio apply). Keywords: STOP, STOPALL, UNSUBSCRIBE, CANCEL, END,
/// QUIT, OPTOUT, REVOKE opt out; START, YES, UNSTOP opt back in; HELP, INFO ask for help.
public enum OptOutKeywords {
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

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        var s = self
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return s
    }
}
