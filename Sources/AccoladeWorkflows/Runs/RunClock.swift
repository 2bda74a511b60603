import AccoladeCore
import Foundation

/// Wall-clock time in one time zone, as workflow steps read it: the instant of "10:00 on
/// 2026-12-28 in Europe/Berlin", the next "18:00", the wall reading of an instant. Pure: the zone
/// is given and `now` is always a parameter.
///
/// Wall times a zone skips or repeats are settled the way people expect of a reminder:
/// - a time that does not exist (the hour skipped when clocks go forward) moves forward to the
///   first minute that exists (02:30 on a spring-forward night in Berlin is 03:00 CEST);
/// - a time that exists twice (the hour repeated when clocks go back) is its first occurrence.
public struct RunClock: Sendable {
    /// The zone wall times are read in.
    public let timeZone: TimeZone

    /// A clock for `timeZone`.
    public init(timeZone: TimeZone) {
        self.timeZone = timeZone
    }

    /// A clock in the recipient's zone (`recipient.timezone`), or `defaultTimeZone` when the
    /// recipient has none or names one this system does not know.
    public init(recipient: Recipient, defaultTimeZone: TimeZone) {
        self.init(timeZone: recipient.timezone.flatMap(TimeZone.init(identifier:)) ?? defaultTimeZone)
    }

    /// The wall reading of `instant` in this zone.
    public func wallTime(of instant: Date) -> WallTime {
        let t = instant.timeIntervalSince1970
        return WallTime(naiveSeconds: t + Double(offset(at: t)))
    }

    /// The instant this zone's clocks show `wall` (see the type's rules for skipped and repeated times).
    public func instant(of wall: WallTime) -> Date {
        let naive = wall.naiveSeconds
        // Every offset the zone uses within a day either side: a zone changes offset at most
        // once or twice a day, so the offset in force at `wall` is one of these.
        let offsets = Set([naive - 86_400, naive, naive + 86_400].map { offset(at: $0) })
        let valid = offsets.map { naive - Double($0) }.filter { Double(offset(at: $0)) == naive - $0 }
        if let first = valid.min() { return Date(timeIntervalSince1970: first) }
        // In a gap: find the first instant whose wall reading is at or after `wall` — the
        // moment the clocks jumped — by bisection over whole seconds.
        var lo = Int((naive - Double(offsets.max()!)).rounded(.down))
        var hi = Int((naive - Double(offsets.min()!)).rounded(.up))
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            if Double(mid + offset(at: Double(mid))) >= naive { hi = mid } else { lo = mid + 1 }
        }
        return Date(timeIntervalSince1970: Double(lo))
    }

    /// The instant of `time` on `day` in this zone.
    public func instant(day: CivilDay, at time: TimeOfDay) -> Date {
        instant(of: WallTime(day: day, at: time))
    }

    /// The first instant strictly after `now` whose wall reading is `time` (today's if still
    /// ahead, else tomorrow's): when a `digest: {until: "18:00"}` closes.
    public func nextOccurrence(of time: TimeOfDay, after now: Date) -> Date {
        let today = wallTime(of: now).day
        let candidate = instant(day: today, at: time)
        return candidate > now ? candidate : instant(day: today.adding(days: 1), at: time)
    }

    private func offset(at seconds: Double) -> Int {
        timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: seconds))
    }
}
