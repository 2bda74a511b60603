import AccoladeCore
import Foundation

/// A calendar day of the proleptic Gregorian calendar, with no zone: `2026-12-31`.
///
/// Day arithmetic is done on day numbers (days since 1970-01-01) rather than through
/// `Calendar`, so "three days before" never depends on a zone's offset changes.
public struct CivilDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The year (1–9999 for days read from data).
    public let year: Int
    /// 1–12.
    public let month: Int
    /// 1–31, never past the month's end.
    public let day: Int

    /// Creates a day; `nil` when the month or the day does not exist (`2026-02-29`).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= Self.days(inMonth: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// The day with this number of days since 1970-01-01 (negative before it).
    public init(dayNumber: Int) {
        // Howard Hinnant's civil_from_days: exact for the whole proleptic Gregorian calendar.
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.month = m
        self.day = d
    }

    /// Days since 1970-01-01.
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The day `count` days later (earlier when negative).
    public func adding(days count: Int) -> CivilDay { CivilDay(dayNumber: dayNumber + count) }

    /// Days in a month.
    public static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Orders by date.
    public static func < (a: CivilDay, b: CivilDay) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

    /// `2026-12-31`.
    public var description: String {
        func pad(_ n: Int, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
    }
}

/// A wall-clock reading without a zone: a day and the seconds since its midnight.
public struct WallTime: Sendable, Hashable, Comparable {
    /// The day.
    public var day: CivilDay
    /// Seconds since midnight, `0 ..< 86_400` (fractions allowed).
    public var secondOfDay: Double

    /// Creates a wall time; `secondOfDay` outside one day is carried into the day.
    public init(day: CivilDay, secondOfDay: Double) {
        let carry = Int((secondOfDay / 86_400).rounded(.down))
        self.day = carry == 0 ? day : day.adding(days: carry)
        self.secondOfDay = secondOfDay - Double(carry) * 86_400
    }

    /// `day` at `time` (whole minutes).
    public init(day: CivilDay, at time: TimeOfDay) {
        self.init(day: day, secondOfDay: Double(time.hour * 3600 + time.minute * 60))
    }

    /// Seconds since 1970-01-01T00:00 on this wall clock (what the instant would be if the zone were UTC).
    var naiveSeconds: Double { Double(day.dayNumber) * 86_400 + secondOfDay }

    /// The wall time `naiveSeconds` seconds after 1970-01-01T00:00.
    init(naiveSeconds: Double) {
        let days = Int((naiveSeconds / 86_400).rounded(.down))
        self.init(day: CivilDay(dayNumber: days), secondOfDay: naiveSeconds - Double(days) * 86_400)
    }

    /// The same wall reading `seconds` earlier (whole days move the date, keeping the time of day).
    public func subtracting(seconds: TimeInterval) -> WallTime { WallTime(naiveSeconds: naiveSeconds - seconds) }

    /// Orders by reading.
    public static func < (a: WallTime, b: WallTime) -> Bool { a.naiveSeconds < b.naiveSeconds }
}
