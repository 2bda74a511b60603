import AccoladeCore
import Foundation

extension QuietHours {
    /// When the quiet period containing `instant` ends in `clock`'s zone, or `nil` when
    /// `instant` is not inside quiet hours.
    ///
    /// The periods are those starting on the day of `instant` and the day before (one crossing
    /// midnight began yesterday). Wall times are settled as ``RunClock`` does: a start or end the
    /// clocks skip is the first instant after the gap, a repeated one its first occurrence — so on
    /// the night clocks go back, `end: "02:30"` ends at the first 02:30 and the second one is not quiet.
    public func end(ofQuietAt instant: Date, clock: RunClock) -> Date? {
        let today = clock.wallTime(of: instant).day
        for startDay in [today.adding(days: -1), today] {
            let begins = clock.instant(day: startDay, at: start)
            let ends = clock.instant(day: crossesMidnight ? startDay.adding(days: 1) : startDay, at: end)
            if begins <= instant, instant < ends { return ends }
        }
        return nil
    }
}

extension SendWindow {
    /// The first instant at or after `instant` inside the window, in `clock`'s zone: `instant`
    /// itself when the window is open, else the next opening on one of its days (a skipped
    /// `from` opens at the first instant after the gap). Always within a week: `days` is never empty.
    public func nextOpening(atOrAfter instant: Date, clock: RunClock) -> Date {
        let today = clock.wallTime(of: instant).day
        for offset in 0...7 {
            let day = today.adding(days: offset)
            guard days.contains(Weekday(dayNumber: day.dayNumber)) else { continue }
            let opens = clock.instant(day: day, at: from)
            let closes = clock.instant(day: day, at: until)
            if instant < closes { return max(opens, instant) }
        }
        return instant  // unreachable with at least one day; sending is better than never
    }
}
