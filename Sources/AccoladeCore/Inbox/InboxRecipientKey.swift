/// The rule for a recipient key, the id an inbox feed is kept under (`to.id` of a send, `sub` of an
/// inbox token).
///
/// Checked where a key enters (the inbox channel's address check at send time, token minting), so
/// a bad key is refused with a 400 before anything is queued, never discovered by the outcome
/// transaction that writes the item (which would then fail at every retry). The length also keeps
/// a key well inside PostgreSQL's `NOTIFY` payload limit (8,000 bytes), which carries it.
public enum InboxRecipientKey {
    /// The longest key, in UTF-8 bytes.
    public static let maxBytes = 255

    /// Why `key` cannot name a feed, or nil when it can.
    public static func problem(_ key: String) -> String? {
        if key.isEmpty { return "must not be empty" }
        if key.utf8.count > maxBytes { return "must be at most \(maxBytes) bytes (UTF-8)" }
        if key.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "must not contain control characters"
        }
        if key.unicodeScalars.first?.properties.isWhitespace == true || key.unicodeScalars.last?.properties.isWhitespace == true {
            return "must not start or end with white space"
        }
        return nil
    }
}
