import AccoladeCore
import Foundation
import Logging
import Metrics

/// Applies inbound STOP/START keywords to a channel's suppression list: shared by the Twilio
/// inbound webhook, Kannel's MO `get-url` (channel `sms`) and WhatsApp's inbound messages.
///
/// Only the keyword decides (see ``OptOutKeywords``); ordinary replies change nothing. The list is the
/// store's, so every worker sees an opt-out at once and before its next attempt to that number.
struct OptOutRecorder: Sendable {
    /// The channel whose list the keywords change (opting out of SMS does not silence WhatsApp).
    let channel: ChannelKind
    let suppressions: any SuppressionList
    let clock: any WallClock
    let logger: Logger

    /// Records what `message` asks for and returns the action taken (nil for an ordinary message).
    @discardableResult
    func apply(_ message: InboundMessage, provider: String) async throws -> OptOutKeywords.Action? {
        guard let action = message.action else { return nil }
        switch action {
        case .optOut:
            let keyword = message.body.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
            let entry = Suppression(
                channel: channel, address: message.from, reason: "replied \(keyword)", source: "inbound:\(provider)", createdAt: clock.now())
            try await suppressions.suppress([entry])
            logger.notice("recipient opted out", metadata: ["channel": "\(channel)", "webhook.provider": "\(provider)", "keyword": "\(keyword)"])
        case .optIn:
            try await suppressions.unsuppress(channel: channel, address: message.from)
            logger.notice("recipient opted back in", metadata: ["channel": "\(channel)", "webhook.provider": "\(provider)"])
        case .help:
            break
        }
        Counter(label: "accolade_inbound_keywords_total", dimensions: [("channel", channel.rawValue), ("provider", provider), ("action", action.rawValue)]).increment()
        return action
    }
}
