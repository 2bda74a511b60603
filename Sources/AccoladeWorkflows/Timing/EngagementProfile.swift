import AccoladeCore
import Foundation

/// Engagement by hour of week (Monday 00:00–01:00 is 0, Sunday 23:00–24:00 is 167) on one wall
/// clock: decayed weights to score with, and plain counts to explain with.
///
/// Decay: an event's weight halves every ``halfLife`` (30 days). Habits that decide when people
/// read — commute, lunch break, evenings — hold for weeks but move with a new job, a school term
/// or a clock change; a month's half-life lets the last few weeks lead while a recipient who
/// engages once a week still has a dozen events that count. Events older than
/// ``EngagementHistory/lookback`` (90 days, weight under 1/8) are not read at all.
public struct EngagementProfile: Sendable, Hashable {
    /// The half-life of an event's weight.
    public static let halfLife: TimeInterval = 30 * 86_400

    /// Decayed weight per hour of week.
    public private(set) var weights: [Double]
    /// Events per hour of week (undecayed), for explanations.
    public private(set) var counts: [Int]
    /// All events counted.
    public private(set) var total: Int

    /// An empty profile.
    public init() {
        weights = Array(repeating: 0, count: 168)
        counts = Array(repeating: 0, count: 168)
        total = 0
    }

    /// The profile of `events` read on `clock`, weighed as of `now`; events after `now` weigh as
    /// if they were now (a store clock slightly ahead must not give them more than full weight),
    /// those before the lookback are left out.
    public init(events: [EngagementEvent], clock: RunClock, now: Date) {
        self.init()
        for event in events {
            let age = max(0, now.timeIntervalSince(event.at))
            guard age <= EngagementHistory.lookback else { continue }
            add(hourOfWeek: Self.hourOfWeek(of: event.at, clock: clock), weight: pow(0.5, age / Self.halfLife))
        }
    }

    /// Counts one event in `hourOfWeek` with `weight`.
    public mutating func add(hourOfWeek: Int, weight: Double) {
        weights[hourOfWeek] += weight
        counts[hourOfWeek] += 1
        total += 1
    }

    /// The hour of week of `instant` on `clock`'s wall (a repeated hour counts as that hour both times).
    public static func hourOfWeek(of instant: Date, clock: RunClock) -> Int {
        let wall = clock.wallTime(of: instant)
        return hourOfWeek(day: wall.day, hour: Int(wall.secondOfDay / 3600))
    }

    /// The hour of week of `hour` on `day`.
    public static func hourOfWeek(day: CivilDay, hour: Int) -> Int {
        Weekday(dayNumber: day.dayNumber).index * 24 + hour
    }

    /// The score of an hour of week: its own weight, half of each neighbouring hour's (people
    /// read a little before or after their usual time, and sparse histories need the help), and
    /// a quarter of the same hour on every day of the week (a habit at 19:00 on weekdays says
    /// something about a Thursday with no event yet).
    public func score(hourOfWeek h: Int) -> Double {
        let hour = h % 24
        var daily = 0.0
        for day in 0..<7 { daily += weights[day * 24 + hour] }
        return weights[h] + 0.5 * (weights[(h + 167) % 168] + weights[(h + 1) % 168]) + 0.25 * daily
    }

    /// Events whose hour of day is `hour`, on any day.
    public func count(hourOfDay hour: Int) -> Int {
        (0..<7).reduce(0) { $0 + counts[$1 * 24 + hour] }
    }
}
