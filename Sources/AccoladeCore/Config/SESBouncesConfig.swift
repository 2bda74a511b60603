import Foundation

/// `bounces.ses`: bounces and complaints from Amazon SES, delivered by SNS to
/// `POST /v1/webhooks/ses`.
///
/// ```yaml
/// bounces:
///   ses:
///     topic_arns: [arn:aws:sns:eu-west-1:123456789012:ses-feedback]   # only these topics count
///     certificate_hosts: ["sns.*.amazonaws.com"]                      # the default
///     confirm_subscriptions: true                                      # the default
/// ```
/// Every message's signature is checked with the certificate at its `SigningCertURL`, fetched
/// over HTTPS only from a host matching `certificate_hosts`; a signed message from a topic not
/// listed is refused too (anyone can create a topic and sign with AWS's key for it).
public struct SESBouncesConfig: Sendable, Hashable {
    /// The SNS topics whose messages are acted on (`TopicArn`).
    public var topicARNs: Set<String>
    /// Hosts `SigningCertURL` and `SubscribeURL` may name.
    public var certificateHosts: [SNSHostPattern]
    /// Whether a `SubscriptionConfirmation` from a listed topic is confirmed (GET of its
    /// `SubscribeURL`); off, it is only logged with the URL for an operator to open.
    public var confirmSubscriptions: Bool
    /// A PEM file of CA certificates trusted for those hosts (a test CA, a TLS-inspecting proxy);
    /// nil keeps libcurl's default bundle.
    public var caFile: String?

    /// Creates the section.
    public init(
        topicARNs: Set<String>, certificateHosts: [SNSHostPattern] = [.aws], confirmSubscriptions: Bool = true, caFile: String? = nil
    ) {
        self.topicARNs = topicARNs
        self.certificateHosts = certificateHosts
        self.confirmSubscriptions = confirmSubscriptions
        self.caFile = caFile
    }

    init(_ node: ConfigNode) throws(ConfigError) {
        let arns = try node.strings("topic_arns") ?? []
        guard !arns.isEmpty else {
            throw ConfigError(
                path: node.path(of: "topic_arns"),
                reason: "list the SNS topics SES publishes bounces and complaints to, e.g. [arn:aws:sns:eu-west-1:123456789012:ses-feedback]")
        }
        for (index, arn) in arns.enumerated() where !Self.isTopicARN(arn) {
            throw ConfigError(path: "\(node.path(of: "topic_arns"))[\(index)]", reason: "\"\(arn)\" is not an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)")
        }
        topicARNs = Set(arns)
        var hosts: [SNSHostPattern] = []
        for (index, text) in (try node.strings("certificate_hosts") ?? [SNSHostPattern.aws.description]).enumerated() {
            guard let pattern = SNSHostPattern(text) else {
                throw ConfigError(
                    path: "\(node.path(of: "certificate_hosts"))[\(index)]",
                    reason: "\"\(text)\" is not a host pattern: DNS labels or * (one label), optionally :PORT or :*, e.g. sns.*.amazonaws.com")
            }
            hosts.append(pattern)
        }
        guard !hosts.isEmpty else {
            throw ConfigError(path: node.path(of: "certificate_hosts"), reason: "must name at least one host (default sns.*.amazonaws.com)")
        }
        certificateHosts = hosts
        confirmSubscriptions = try node.bool("confirm_subscriptions") ?? true
        caFile = try node.caFile("ca_file")
        try node.rejectUnknownKeys()
    }

    /// `arn:PARTITION:sns:REGION:ACCOUNT:NAME`.
    static func isTopicARN(_ text: String) -> Bool {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count == 6 && parts[0] == "arn" && parts[1].hasPrefix("aws") && parts[2] == "sns" && parts.dropFirst(3).allSatisfy { !$0.isEmpty }
    }
}
