import AccoladeCore
import Foundation
import Logging
import Metrics

/// Applies inbound STOP/START keywords to the SMS suppression list: shared by the Twilio inbound
/// webhook and Kannel's MO `get-url`.
///
/// Only the keyword decides (see ``SMSOptOut``); ordinary replies change nothing. The list is the
/// store's, so every worker sees an opt-out at once and before its next attempt to that number.
struct SMSOptOutRecorder: Sendable {
    let suppressions: any SuppressionList
    let clock: any WallClock
    let logger: Logger

    /// Records what `message` asks for and returns the action taken (nil for an ordinary message).
    @discardableResult
    func apply(_ message: SMSInboundMessage, provider: String) async throws -> SMSOptOut.Action? {
        guard let action = message.action else { return nil }
        switch action {
        case .optOut:
            let keyword = message.body.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
            let entry = Suppression(
                channel: .sms, address: message.from, reason: "replied \(keyword)", source: "inbound:\(provider)", createdAt: clock.now())
            try await suppressions.suppress([entry])
            logger.notice("recipient opted out of SMS", metadata: ["webhook.provider": "\(provider)", "sms.keyword": "\(keyword)"])
        case .optIn:
            try await suppressions.unsuppress(channel: .sms, address: message.from)
            logger.notice("recipient opted back in to SMS", metadata: ["webhook.provider": "\(provider)"])
        case .help:
            break
        }
        Counter(label: "accolade_sms_inbound_keywords_total", dimensions: [("provider", provider), ("action", action.rawValue)]).increment()
        return action
    }
}
