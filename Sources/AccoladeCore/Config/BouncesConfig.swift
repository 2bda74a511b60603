import Foundation

/// `bounces`: what a bounce does to an email address.
///
/// ```yaml
/// bounces:
///   soft_limit: 3          # soft bounces within `window` that suppress the address
///   window: 30d
///   webhook_token: ${ACCOLADE_BOUNCE_TOKEN}   # enables POST /v1/webhooks/dsn
///   ses: { topic_arns: [arn:aws:sns:eu-west-1:123456789012:ses-feedback] }   # enables POST /v1/webhooks/ses
/// ```
/// Hard bounces and spam complaints suppress the address at once; soft bounces (a relay gave up
/// for now, status `4.x.x`) only after `soft_limit` of them within `window`.
public struct BouncesConfig: Sendable, Hashable {
    /// The default for ``softLimit``.
    public static let defaultSoftLimit = 3
    /// The default for ``window``: 30 days.
    public static let defaultWindow: TimeInterval = 30 * 86_400
    /// Shortest accepted `webhook_token`, bytes: a guessable token would let anyone suppress addresses.
    public static let minimumTokenBytes = 16

    /// Soft bounces within ``window`` that put the address on the email suppression list.
    public var softLimit: Int
    /// How far back soft bounces count, seconds.
    public var window: TimeInterval
    /// Bearer token `POST /v1/webhooks/dsn` requires (secret: never printed); nil turns the route off.
    public var webhookToken: String?
    /// Amazon SES notifications via SNS (`POST /v1/webhooks/ses`); nil turns the route off.
    public var ses: SESBouncesConfig?

    /// Creates the section.
    public init(
        softLimit: Int = BouncesConfig.defaultSoftLimit, window: TimeInterval = BouncesConfig.defaultWindow, webhookToken: String? = nil,
        ses: SESBouncesConfig? = nil
    ) {
        self.softLimit = softLimit
        self.window = window
        self.webhookToken = webhookToken
        self.ses = ses
    }

    init(_ node: ConfigNode) throws(ConfigError) {
        softLimit = try node.int("soft_limit", in: 1...1000) ?? Self.defaultSoftLimit
        window = try node.duration("window") ?? Self.defaultWindow
        guard window >= 3600 else {
            throw ConfigError(path: node.path(of: "window"), reason: "must be at least 1h, e.g. 30d")
        }
        let token = try node.string("webhook_token")
        webhookToken = token?.isEmpty == false ? token : nil
        if let webhookToken, webhookToken.utf8.count < Self.minimumTokenBytes {
            throw ConfigError(
                path: node.path(of: "webhook_token"),
                reason: "must be at least \(Self.minimumTokenBytes) characters (e.g. openssl rand -hex 24): it lets its holder suppress addresses")
        }
        ses = try node.optionalChild("ses").map { node throws(ConfigError) in try SESBouncesConfig(node) }
        try node.rejectUnknownKeys()
    }
}
