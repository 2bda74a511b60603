import Foundation

/// Which URLs an SNS message may make Accolade fetch: its `SigningCertURL` and `SubscribeURL`.
///
/// Both come from the message body, which anyone can post, so fetching them unchecked would let a
/// stranger make Accolade call any host (server-side request forgery) or sign with a certificate
/// of their own. A URL passes only when it is `https`, has no user part, and its host (with
/// `:port`, when it names one) matches one of the patterns, where `*` stands for exactly one DNS
/// label (`sns.*.amazonaws.com` matches `sns.eu-west-1.amazonaws.com`, not
/// `sns.eu-west-1.amazonaws.com.evil.example` nor `evilsns.eu-west-1.amazonaws.com`) or for the
/// port's digits. A certificate URL must also end in `.pem`.
public struct SNSHostPattern: Sendable, Hashable, CustomStringConvertible {
    /// The default: SNS in every public AWS region.
    public static let aws = SNSHostPattern(unchecked: "sns.*.amazonaws.com")

    /// The pattern as written.
    public let description: String
    private let hostLabels: [Substring]
    private let port: Substring?

    private init(unchecked text: String) {
        description = text
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        hostLabels = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        port = parts.count > 1 ? parts[1] : nil
    }

    /// Reads a pattern: lower-case DNS labels or `*`, dot-separated, optionally `:port` or `:*`.
    /// Nil when it is not one (the configuration names the key).
    public init?(_ text: String) {
        let lower = text.lowercased()
        let parts = lower.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let labels = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 1, labels.allSatisfy({ $0 == "*" || Self.isLabel($0) }) else { return nil }
        // A bare "*" or "*.*" would trust every host.
        guard labels.contains(where: { $0 != "*" }) else { return nil }
        if parts.count > 1 {
            guard parts[1] == "*" || (!parts[1].isEmpty && parts[1].count <= 5 && parts[1].allSatisfy(\.isASCIIDigit)) else { return nil }
        }
        self.init(unchecked: lower)
    }

    /// Whether `url` may be fetched under this pattern (see the type's notes). `certificate`
    /// additionally requires a `.pem` path.
    public func allows(_ url: String, certificate: Bool) -> Bool {
        guard let components = URLComponents(string: url), components.scheme?.lowercased() == "https",
            components.user == nil, components.password == nil, let host = components.host?.lowercased(), !host.isEmpty
        else { return false }
        if certificate && !components.path.lowercased().hasSuffix(".pem") { return false }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count == hostLabels.count,
            zip(labels, hostLabels).allSatisfy({ label, pattern in pattern == "*" ? Self.isLabel(label) : label == pattern })
        else { return false }
        let given = components.port ?? 443
        switch port {
        case nil: return given == 443
        case "*"?: return true
        case let wanted?: return String(given) == wanted
        }
    }

    private static func isLabel(_ label: Substring) -> Bool {
        !label.isEmpty && label.count <= 63 && label.first != "-" && label.last != "-"
            && label.allSatisfy { $0.isASCIIDigit || ("a"..."z").contains($0) || $0 == "-" }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
