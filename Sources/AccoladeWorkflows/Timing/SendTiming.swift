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

/// The quiet hours and send window that apply to one (category, channel), with the
/// configuration keys they come from (for reasons people can act on).
public struct SendTimingRules: Sendable, Hashable {
    /// The quiet hours in force, if any.
    public var quietHours: QuietHours?
    /// Where they are configured (`channels.sms.quiet_hours`).
    public var quietHoursKey: String?
    /// The category's send window, if any.
    public var sendWindow: SendWindow?
    /// Where it is configured.
    public var sendWindowKey: String

    /// Creates rules.
    public init(quietHours: QuietHours?, quietHoursKey: String? = nil, sendWindow: SendWindow?, sendWindowKey: String = "send_window") {
        self.quietHours = quietHours
        self.quietHoursKey = quietHoursKey
        self.sendWindow = sendWindow
        self.sendWindowKey = sendWindowKey
    }

    /// Whether nothing is restricted.
    public var isEmpty: Bool { quietHours == nil && sendWindow == nil }

    /// The first instant at or after `now` outside quiet hours and inside the send window, or
    /// `nil` when there is none (a window lying wholly inside quiet hours). Alternates between
    /// the two rules until neither moves the time; a few rounds settle any satisfiable pair.
    public func earliest(atOrAfter now: Date, clock: RunClock) -> (at: Date, quiet: Bool, window: Bool)? {
        var t = now
        var quiet = false, window = false
        for _ in 0..<16 {
            var moved = false
            if let sendWindow {
                let opens = sendWindow.nextOpening(atOrAfter: t, clock: clock)
                if opens > t { t = opens; moved = true; window = true }
            }
            if let quietHours, let ends = quietHours.end(ofQuietAt: t, clock: clock) {
                t = ends
                moved = true
                quiet = true
            }
            if !moved { return (t, quiet, window) }
        }
        return nil
    }

    /// The decision at `now` for a message expiring at `expiresAt`, wall times read by `clock`.
    ///
    /// A delivery whose earliest allowed time is at or after its message's expiry is not held
    /// until it can only expire: it is skipped at once, saying so (``SendTimingDecision/skip(_:)``).
    public func decision(at now: Date, expiresAt: Date?, clock: RunClock) -> SendTimingDecision {
        let zone = clock.timeZone.identifier
        guard let found = earliest(atOrAfter: now, clock: clock) else {
            return .skip("no time is allowed: send window \(sendWindow.map(\.description) ?? "") (\(sendWindowKey)) lies inside quiet hours \(quietHours.map(\.description) ?? "") (\(quietHoursKey ?? "")) in \(zone)")
        }
        guard found.at > now else { return .now }
        var why: [String] = []
        if found.quiet, let quietHours { why.append("quiet hours \(quietHours) (\(quietHoursKey ?? "quiet_hours"))") }
        if found.window, let sendWindow { why.append("send window \(sendWindow) (\(sendWindowKey))") }
        let wall = clock.wallTime(of: found.at)
        let local = "\(wall.day) \(TimeOfDay(hour: Int(wall.secondOfDay) / 3600, minute: Int(wall.secondOfDay) % 3600 / 60)) \(zone)"
        let rules = why.joined(separator: " and ")
        if let expiresAt, found.at >= expiresAt {
            return .skip("\(rules) in \(zone): the earliest allowed time, \(local), is not before the message expires (\(ISOTime.format(expiresAt)))")
        }
        return .deferred(until: found.at, reason: "deferred to \(local) by \(rules)")
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
