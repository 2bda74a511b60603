import Foundation

/// The signed links a message carries, built from `preferences:` and `server.public_url`.
public struct PreferenceLinks: Sendable {
    /// Signs and verifies the tokens.
    public let signer: PreferenceLinkSigner
    /// `server.public_url` without a trailing slash.
    public let publicURL: String
    /// `preferences.unsubscribe_mailto`.
    public let mailto: String?
    /// The categories whose emails carry no unsubscribe link (nobody can opt out of them).
    public let requiredCategories: Set<String>

    /// Creates the link maker.
    public init(config: PreferencesConfig, publicURL: String, requiredCategories: Set<String>) {
        signer = PreferenceLinkSigner(secret: config.signingSecret, previous: config.previousSecrets)
        var base = publicURL
        while base.hasSuffix("/") { base.removeLast() }
        self.publicURL = base
        mailto = config.unsubscribeMailto
        self.requiredCategories = requiredCategories
    }

    /// Whether one-click is allowed: RFC 8058 requires an HTTPS URI.
    public var oneClick: Bool { publicURL.lowercased().hasPrefix("https://") }

    /// `{public_url}/v1/preferences/{token}` for the recipient's preferences page.
    public func preferencesURL(recipientKey: String) -> String {
        PublicURL.join(publicURL, "/v1/preferences/" + signer.token(for: PreferenceLink(recipientKey: recipientKey, purpose: .preferences)))
    }

    /// `{public_url}/v1/unsubscribe/{token}` for one category on email.
    public func unsubscribeURL(recipientKey: String, category: String) -> String {
        PublicURL.join(publicURL, "/v1/unsubscribe/" + unsubscribeToken(recipientKey: recipientKey, category: category))
    }

    func unsubscribeToken(recipientKey: String, category: String) -> String {
        signer.token(for: PreferenceLink(recipientKey: recipientKey, purpose: .unsubscribe(category: category)))
    }

    /// The RFC 2369 / RFC 8058 headers for an email of `category` to `recipientKey`, in order;
    /// none for a required category. The tokens are base64url with one dot, so nothing needs
    /// escaping inside `<…>`.
    public func emailHeaders(recipientKey: String, category: String) -> [(name: String, value: String)] {
        guard !requiredCategories.contains(category) else { return [] }
        let token = unsubscribeToken(recipientKey: recipientKey, category: category)
        var value = "<\(PublicURL.join(publicURL, "/v1/unsubscribe/" + token))>"
        if let mailto { value += ", <mailto:\(mailto)?subject=unsubscribe%20\(token)>" }
        var headers = [(name: "List-Unsubscribe", value: value)]
        if oneClick { headers.append((name: "List-Unsubscribe-Post", value: "List-Unsubscribe=One-Click")) }
        return headers
    }
}

extension AccoladeConfig {
    /// The link maker `preferences:` and `server.public_url` configure; nil without a secret.
    public var preferenceLinks: PreferenceLinks? {
        preferences.map { PreferenceLinks(config: $0, publicURL: server.publicURL, requiredCategories: categories.requiredNames) }
    }
}
