import Foundation

/// The data-side rule for a variable that is the whole of an inbox action link
/// (`inbox.url.mustache` = `{{reward.redeem_url}}`): an absolute `http`/`https` URL of plain URL
/// characters, no user info, at most 2,048 bytes.
///
/// Stated as one regular expression so the OpenAPI document (`pattern`) and the server's data
/// check are the same rule: whatever matches also passes the channel's own check of the rendered
/// link (`InboxActionURL`), so a request the document calls valid is never refused later for its
/// link, and a value that could not be a link is refused naming its data path.
public enum InboxLinkPattern {
    /// The longest link, in bytes (as `InboxActionURL`).
    public static let maximumLength = 2048

    /// ECMA-262 and ICU read it alike: host of letters, digits, `.` and `-` with an optional port,
    /// then an optional path/query of URL characters and `%XX` escapes, then an optional fragment.
    public static let pattern =
        #"^[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9.-]+(:[0-9]{1,5})?([/?]([A-Za-z0-9._~!$&'()*+,;=:@/?-]|%[0-9A-Fa-f]{2})*)?(#([A-Za-z0-9._~!$&'()*+,;=:@/?-]|%[0-9A-Fa-f]{2})*)?$"#

    private static let expression = try! NSRegularExpression(pattern: pattern)

    /// Whether `text` is such a link.
    public static func matches(_ text: String) -> Bool {
        guard text.utf8.count <= maximumLength, text.utf8.allSatisfy({ $0 < 0x80 }) else { return false }
        let range = NSRange(text.startIndex..., in: text)
        return expression.firstMatch(in: text, options: [.anchored], range: range)?.range == range
    }
}
