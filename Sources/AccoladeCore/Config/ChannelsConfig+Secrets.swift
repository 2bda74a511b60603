import Foundation

/// A configured provider left out because a credential it sends with is empty — almost always an
/// environment variable that is not set in this shell.
///
/// The rest of its section is still validated (a typo still stops start-up), but the provider is
/// not built: commands that need no provider (`preview`, `templates check`, `status`) work
/// anywhere, a process that would deliver says once which variable to set, and a send routed to a
/// channel with no provider left is refused with this description.
public struct DisabledProvider: Sendable, Hashable, CustomStringConvertible {
    /// The channel it belongs to.
    public var channel: ChannelKind
    /// The provider's name (`twilio`, `gateway`, `whatsapp`, `smtp`).
    public var provider: String
    /// The empty key, e.g. `channels.sms.providers[0].auth_token`.
    public var key: String
    /// The unset environment variables that key reads, e.g. `TWILIO_AUTH_TOKEN` (may be empty
    /// when the key holds an empty literal).
    public var variables: [String]

    /// Creates an entry.
    public init(channel: ChannelKind, provider: String, key: String, variables: [String]) {
        self.channel = channel
        self.provider = provider
        self.key = key
        self.variables = variables
    }

    /// `sms provider twilio is disabled: channels.sms.providers[0].auth_token is empty (set TWILIO_AUTH_TOKEN)`
    /// (`whatsapp is disabled: …` when the provider is the channel itself).
    public var description: String {
        let fix = variables.isEmpty ? "set it" : "set \(variables.joined(separator: " and "))"
        let what = provider == channel.rawValue ? "\(channel)" : "\(channel) provider \(provider)"
        return "\(what) is disabled: \(key) is empty (\(fix))"
    }

    /// The entry for the first empty credential of `keys` under `node`, or nil when all are set.
    static func firstMissing(
        _ keys: [(key: String, value: String?)], node: ConfigNode, channel: ChannelKind, provider: String
    ) -> DisabledProvider? {
        guard let missing = keys.first(where: { $0.value?.isEmpty ?? true }) else { return nil }
        return DisabledProvider(
            channel: channel, provider: provider, key: node.path(of: missing.key), variables: node.unsetVariables(missing.key))
    }
}

/// A provider webhook route that is off because the secret that authenticates it is not set.
/// `accolade serve` logs each once at start-up; the route answers 404 like any unknown route.
public struct WebhookGap: Sendable, Hashable, CustomStringConvertible {
    /// The empty key, e.g. `channels.whatsapp.app_secret`.
    public var key: String
    /// The route that is off, e.g. `POST /v1/webhooks/whatsapp`.
    public var route: String
    /// What the deployment loses while it is off.
    public var effect: String

    /// Creates an entry.
    public init(key: String, route: String, effect: String) {
        self.key = key
        self.route = route
        self.effect = effect
    }

    /// `POST /v1/webhooks/whatsapp is off: channels.whatsapp.app_secret is not set (…)`.
    public var description: String { "\(route) is off: \(key) is not set (\(effect))" }
}

extension ChannelsConfig {
    /// Webhook routes of the enabled providers that are off because their secret is not set.
    /// (Twilio callbacks are keyed by the auth token, Kannel DLRs by `dlr_secret` or the password:
    /// both exist whenever the provider is enabled.)
    public var webhookGaps: [WebhookGap] {
        var gaps: [WebhookGap] = []
        if let whatsapp {
            if whatsapp.appSecret == nil {
                gaps.append(
                    WebhookGap(
                        key: "channels.whatsapp.app_secret", route: "POST /v1/webhooks/whatsapp",
                        effect: "WhatsApp statuses (delivered, read, failed) and incoming STOP/START are not received"))
            }
            if whatsapp.verifyToken == nil {
                gaps.append(
                    WebhookGap(
                        key: "channels.whatsapp.verify_token", route: "GET /v1/webhooks/whatsapp",
                        effect: "Meta's webhook subscription handshake is not answered"))
            }
        }
        for provider in sms?.providers ?? [] {
            if case .kannel(let kannel) = provider.kind, kannel.inboundToken == nil {
                gaps.append(
                    WebhookGap(
                        key: "\(provider.configPath).inbound_token", route: "/v1/webhooks/kannel/inbound",
                        effect: "incoming SMS (STOP/START) from Kannel provider \(provider.name) are not accepted"))
            }
        }
        return gaps
    }
}
