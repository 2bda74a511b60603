import AccoladeCore
import Foundation

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
