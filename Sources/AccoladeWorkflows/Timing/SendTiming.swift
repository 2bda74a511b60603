import AccoladeCore
import Foundation

/// When a delivery may go out: quiet hours (category, else channel, else global — the most
/// specific level that says anything wins; `off` at a level means none) and the category's send
/// window, read in the recipient's zone (`recipient.timezone`, else `default_timezone`, else UTC).
///
/// Pure: the worker asks ``decision(for:channel:at:)`` with its clock's `now` when it claims a
/// delivery, so a delivery that was due outside quiet hours but is claimed inside them (a
/// backlog, a retry, a fallback moving on, a workflow delay) is deferred too.
public struct SendTiming: Sendable {
    /// Top-level `quiet_hours`.
    public var quietHours: QuietHoursSetting
    /// `channels.<name>.quiet_hours`.
    public var channelQuietHours: [ChannelKind: QuietHoursSetting]
    /// `categories` (their quiet hours and send windows).
    public var categories: CategoriesConfig
    /// `default_timezone`.
    public var defaultTimeZone: TimeZone

    /// Timing from its parts.
    public init(
        quietHours: QuietHoursSetting = .inherit, channelQuietHours: [ChannelKind: QuietHoursSetting] = [:],
        categories: CategoriesConfig = CategoriesConfig(), defaultTimeZone: TimeZone = .gmt
    ) {
        self.quietHours = quietHours
        self.channelQuietHours = channelQuietHours
        self.categories = categories
        self.defaultTimeZone = defaultTimeZone
    }

    /// Timing as the configuration says.
    public init(config: AccoladeConfig) {
        self.init(
            quietHours: config.quietHours, channelQuietHours: config.channels.quietHours, categories: config.categories,
            defaultTimeZone: config.defaultTimeZone)
    }

    /// Whether nothing is ever deferred (no quiet hours and no send window anywhere).
    public var isEmpty: Bool {
        quietHours == .inherit && channelQuietHours.values.allSatisfy { $0 == .inherit }
            && categories.categories.values.allSatisfy { $0.quietHours == .inherit && $0.sendWindow == nil }
    }

    /// The rules for a message of `category` on `channel`.
    public func rules(category: String, channel: ChannelKind) -> SendTimingRules {
        let entry = categories[category]
        let levels: [(QuietHoursSetting, String)] = [
            (entry?.quietHours ?? .inherit, "categories.\(category).quiet_hours"),
            (channelQuietHours[channel] ?? .inherit, "channels.\(channel.rawValue).quiet_hours"),
            (quietHours, "quiet_hours"),
        ]
        var quiet: (QuietHours, String)?
        for (setting, key) in levels {
            if case .inherit = setting { continue }
            if case .hours(let hours) = setting { quiet = (hours, key) }
            break
        }
        return SendTimingRules(
            quietHours: quiet?.0, quietHoursKey: quiet?.1, sendWindow: entry?.sendWindow,
            sendWindowKey: "categories.\(category).send_window")
    }

    /// What to do with `message`'s delivery on `channel` claimed at `now`.
    public func decision(for message: Message, channel: ChannelKind, at now: Date) -> SendTimingDecision {
        let rules = rules(category: message.category, channel: channel)
        guard !rules.isEmpty else { return .now }
        let clock = RunClock(recipient: message.recipient, defaultTimeZone: defaultTimeZone)
        return rules.decision(at: now, expiresAt: message.expiresAt, clock: clock)
    }
}

/// What ``SendTiming`` says about a claimed delivery.
public enum SendTimingDecision: Sendable, Hashable {
    /// Deliver now.
    case now
    /// Hand it back `scheduled`, due at `until`, with the reason shown in `status`.
    case deferred(until: Date, reason: String)
    /// Never deliverable in time (it would only expire, or no time is allowed): skip it now.
    case skip(String)
}
