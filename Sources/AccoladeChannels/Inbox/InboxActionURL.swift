import Foundation

/// The rule for an inbox item's action link (`inbox.url.mustache`): an absolute `http` or
/// `https` URL with a host, at most 2,048 bytes, without white space or control characters.
///
/// Checked at send time, so a link a browser would refuse (or a `javascript:` URL a widget must
/// never follow) is a 422 before anything is queued, not a broken button on screen.
public enum InboxActionURL {
    /// The longest link, in UTF-8 bytes (what browsers and proxies reliably carry).
    public static let maximumLength = 2048

    /// Why `text` cannot be an action link, or `nil` when it can.
    public static func problem(with text: String) -> String? {
        if text.utf8.count > maximumLength { return "is longer than \(maximumLength) bytes" }
        if text.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control }) {
            return "contains white space or control characters — percent-encode them"
        }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https"
        else { return "is not an absolute http(s) URL — start it with https://" }
        guard let host = components.host, !host.isEmpty else { return "has no host — write it like https://crm.example.com/rewards/1" }
        if components.user != nil || components.password != nil { return "must not carry a user name or password" }
        return nil
    }
}
