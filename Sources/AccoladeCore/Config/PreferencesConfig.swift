import Foundation

/// `preferences:` — the signed links in messages: one-click unsubscribe (RFC 8058) and the
/// hosted preferences page (`{{preferences_url}}`).
///
/// ```yaml
/// preferences:
///   signing_secret: ${ACCOLADE_PREFERENCES_SECRET}   # 32+ bytes; signs the links (they never expire)
///   previous_secrets: [${ACCOLADE_PREFERENCES_OLD}]  # still accepted, never used to sign (rotation)
///   unsubscribe_mailto: unsubscribe@example.com      # adds <mailto:…> to List-Unsubscribe
/// ```
/// Without a secret no links are made: emails carry no `List-Unsubscribe`, `{{preferences_url}}`
/// is absent and the link routes answer 404. The preference API and CLI work either way.
public struct PreferencesConfig: Sendable, Hashable, CustomStringConvertible {
    /// Signs new links (secret).
    public var signingSecret: String
    /// Older secrets links are still verified with.
    public var previousSecrets: [String]
    /// A mailbox for RFC 2369 `mailto:` unsubscribes (the subject carries the link's token).
    public var unsubscribeMailto: String?

    /// Creates the section.
    public init(signingSecret: String, previousSecrets: [String] = [], unsubscribeMailto: String? = nil) {
        self.signingSecret = signingSecret
        self.previousSecrets = previousSecrets
        self.unsubscribeMailto = unsubscribeMailto
    }

    /// Reads the section; nil when absent or when the secret is empty (an unset variable).
    static func parse(_ node: ConfigNode) throws(ConfigError) -> PreferencesConfig? {
        let secret = try node.string("signing_secret")
        let previous = (try node.strings("previous_secrets") ?? []).filter { !$0.isEmpty }
        let mailto = try node.string("unsubscribe_mailto")
        try node.rejectUnknownKeys()
        if let mailto {
            let bytes = Array(mailto.utf8)
            let at = bytes.firstIndex(of: UInt8(ascii: "@"))
            let valid = at.map { $0 > 0 && $0 < bytes.count - 1 } ?? false
                && bytes.allSatisfy { $0 > 32 && $0 < 127 && !"<>\"(),;:\\[]?&%#".utf8.contains($0) }
            guard valid else {
                throw ConfigError(path: node.path(of: "unsubscribe_mailto"), reason: "must be a plain email address like unsubscribe@example.com")
            }
        }
        guard let secret, !secret.isEmpty else { return nil }
        for (index, key) in ([secret] + previous).enumerated() where key.utf8.count < PreferenceLinkSigner.minimumSecretBytes {
            throw ConfigError(
                path: index == 0 ? node.path(of: "signing_secret") : "\(node.path(of: "previous_secrets"))[\(index - 1)]",
                reason: "must be at least \(PreferenceLinkSigner.minimumSecretBytes) bytes (anyone who guesses it can unsubscribe anybody), e.g. from `openssl rand -base64 48`")
        }
        return PreferencesConfig(signingSecret: secret, previousSecrets: previous, unsubscribeMailto: mailto)
    }

    /// Secrets masked.
    public var description: String {
        "preferences(signing_secret: ••••, previous_secrets: \(previousSecrets.count), unsubscribe_mailto: \(unsubscribeMailto ?? "none"))"
    }
}
