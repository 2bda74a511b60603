/// URLs the outside world calls us at, built from `server.public_url`.
///
/// Behind a proxy the server's own view of host and scheme is wrong, so the configured public
/// URL is the truth: for callback URLs handed to providers (Twilio status callbacks, Kannel's
/// `dlr-url`), for QR image links, and for the URL a provider signed when it called a webhook.
public enum PublicURL {
    /// `base` (scheme, host, optional port and path prefix) with `pathAndQuery` appended: the
    /// base's trailing slashes are dropped and exactly one slash joins the two.
    public static func join(_ base: String, _ pathAndQuery: String) -> String {
        var base = base
        while base.hasSuffix("/") { base.removeLast() }
        return base + (pathAndQuery.hasPrefix("/") ? pathAndQuery : "/" + pathAndQuery)
    }
}
