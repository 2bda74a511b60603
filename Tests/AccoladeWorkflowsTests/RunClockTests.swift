import AccoladeCore
import Foundation
import Testing
@testable import AccoladeWorkflows

@Suite("Run clock: days, data dates, zones and clock changes")
struct RunClockTests {
    static let berlin = RunClock(timeZone: TimeZone(identifier: "Europe/Berlin")!)
    static let newYork = RunClock(timeZone: TimeZone(identifier: "America/New_York")!)
    static let jakarta = RunClock(timeZone: TimeZone(identifier: "Asia/Jakarta")!)

    static func instant(_ text: String) -> Date { ISOTime.parseInstant(text)! }
    static func day(_ y: Int, _ m: Int, _ d: Int) -> CivilDay { CivilDay(year: y, month: m, day: d)! }
    static func time(_ text: String) -> TimeOfDay { TimeOfDay(text)! }

    @Test("day numbers round-trip and match the calendar, leap years included")
    func dayNumbers() {
        #expect(Self.day(1970, 1, 1).dayNumber == 0)
        #expect(Self.day(2000, 3, 1).dayNumber == 11_017)
        #expect(CivilDay(dayNumber: -1) == Self.day(1969, 12, 31))
        for n in stride(from: -800_000, through: 800_000, by: 997) {
            #expect(CivilDay(dayNumber: n).dayNumber == n)
        }
        #expect(Self.day(2028, 3, 1).adding(days: -1) == Self.day(2028, 2, 29))
        #expect(Self.day(2100, 3, 1).adding(days: -1) == Self.day(2100, 2, 28))
        #expect(Self.day(2026, 12, 31).adding(days: 1) == Self.day(2027, 1, 1))
        #expect(CivilDay(year: 2026, month: 2, day: 29) == nil)
        #expect(CivilDay(year: 2026, month: 13, day: 1) == nil)
        #expect(Self.day(2026, 1, 5).description == "2026-01-05")
    }

    @Test("data dates: a day, a wall time, an instant with its offset; everything else refused")
    func dataDates() {
        #expect(DataDate("2026-12-31") == .day(Self.day(2026, 12, 31)))
        #expect(DataDate("2026-12-31T09:30") == .local(WallTime(day: Self.day(2026, 12, 31), secondOfDay: 9 * 3600 + 1800)))
        #expect(DataDate("2026-12-31 09:30:15") == .local(WallTime(day: Self.day(2026, 12, 31), secondOfDay: 9 * 3600 + 1815)))
        #expect(DataDate("2026-12-31t09:30:15.5") == .local(WallTime(day: Self.day(2026, 12, 31), secondOfDay: 9 * 3600 + 1815.5)))
        #expect(DataDate("2026-12-31T09:00:00Z") == .instant(Self.instant("2026-12-31T09:00:00Z")))
        #expect(DataDate("2026-12-31T09:00:00+07:00") == .instant(Self.instant("2026-12-31T02:00:00Z")))
        #expect(DataDate("2026-12-31T09:00+0700") == .instant(Self.instant("2026-12-31T02:00:00Z")))
        #expect(DataDate("2026-12-31T09:00-05") == .instant(Self.instant("2026-12-31T14:00:00Z")))
        for bad in ["", "2026-12-3", "2026-02-30", "2026-13-01", "31/12/2026", "2026-12-31T24:00", "2026-12-31T09", "2026-12-31T09:00:60",
            "2026-12-31T09:00:00.", "2026-12-31T09:00:00Zx", "2026-12-31T09:00+7", "2026-12-31T09:00+07:0", "2026-12-31X09:00", "tomorrow"]
        {
            #expect(DataDate(bad) == nil, "\(bad)")
        }
    }

    @Test("wall times read in the zone: an ordinary day in three zones")
    func ordinaryDays() {
        let wall = WallTime(day: Self.day(2026, 12, 28), at: Self.time("10:00"))
        #expect(Self.berlin.instant(of: wall) == Self.instant("2026-12-28T09:00:00Z"))
        #expect(Self.newYork.instant(of: wall) == Self.instant("2026-12-28T15:00:00Z"))
        #expect(Self.jakarta.instant(of: wall) == Self.instant("2026-12-28T03:00:00Z"))
        #expect(RunClock(timeZone: .gmt).instant(of: wall) == Self.instant("2026-12-28T10:00:00Z"))
        #expect(Self.jakarta.wallTime(of: Self.instant("2026-12-28T20:00:00Z")) == WallTime(day: Self.day(2026, 12, 29), at: Self.time("03:00")))
        // Summer time gives the other offset.
        #expect(Self.berlin.instant(of: WallTime(day: Self.day(2026, 7, 1), at: Self.time("10:00"))) == Self.instant("2026-07-01T08:00:00Z"))
    }

    @Test("a wall time skipped when clocks go forward moves to the first minute that exists")
    func springForward() {
        // Berlin, 2026-03-29: 02:00 CET becomes 03:00 CEST (01:00Z).
        #expect(Self.berlin.instant(of: WallTime(day: Self.day(2026, 3, 29), at: Self.time("02:30"))) == Self.instant("2026-03-29T01:00:00Z"))
        #expect(Self.berlin.instant(of: WallTime(day: Self.day(2026, 3, 29), at: Self.time("02:00"))) == Self.instant("2026-03-29T01:00:00Z"))
        #expect(Self.berlin.instant(of: WallTime(day: Self.day(2026, 3, 29), at: Self.time("03:00"))) == Self.instant("2026-03-29T01:00:00Z"))
        #expect(Self.berlin.instant(of: WallTime(day: Self.day(2026, 3, 29), at: Self.time("01:59"))) == Self.instant("2026-03-29T00:59:00Z"))
        // New York, 2026-03-08: 02:00 EST becomes 03:00 EDT (07:00Z).
        #expect(Self.newYork.instant(of: WallTime(day: Self.day(2026, 3, 8), at: Self.time("02:15"))) == Self.instant("2026-03-08T07:00:00Z"))
        #expect(Self.newYork.wallTime(of: Self.instant("2026-03-08T07:00:00Z")) == WallTime(day: Self.day(2026, 3, 8), at: Self.time("03:00")))
    }

    @Test("a wall time repeated when clocks go back is its first occurrence")
    func fallBack() {
        // Berlin, 2026-10-25: 03:00 CEST becomes 02:00 CET; 02:30 happens at 00:30Z and 01:30Z.
        #expect(Self.berlin.instant(of: WallTime(day: Self.day(2026, 10, 25), at: Self.time("02:30"))) == Self.instant("2026-10-25T00:30:00Z"))
        #expect(Self.berlin.instant(of: WallTime(day: Self.day(2026, 10, 25), at: Self.time("03:00"))) == Self.instant("2026-10-25T02:00:00Z"))
        // New York, 2026-11-01: 01:30 happens at 05:30Z (EDT) and 06:30Z (EST).
        #expect(Self.newYork.instant(of: WallTime(day: Self.day(2026, 11, 1), at: Self.time("01:30"))) == Self.instant("2026-11-01T05:30:00Z"))
    }

    @Test("the next occurrence of a time of day: today if still ahead, else tomorrow, across a clock change")
    func nextOccurrence() {
        let six = Self.time("18:00")
        #expect(Self.berlin.nextOccurrence(of: six, after: Self.instant("2026-12-06T12:00:00Z")) == Self.instant("2026-12-06T17:00:00Z"))
        #expect(Self.berlin.nextOccurrence(of: six, after: Self.instant("2026-12-06T17:00:00Z")) == Self.instant("2026-12-07T17:00:00Z"))
        #expect(Self.berlin.nextOccurrence(of: six, after: Self.instant("2026-12-06T23:30:00Z")) == Self.instant("2026-12-07T17:00:00Z"))
        // Saturday 18:00 CET, then Sunday 18:00 CEST: 23 hours apart.
        #expect(Self.berlin.nextOccurrence(of: six, after: Self.instant("2026-03-28T18:00:00Z")) == Self.instant("2026-03-29T16:00:00Z"))
        #expect(Self.berlin.nextOccurrence(of: Self.time("02:30"), after: Self.instant("2026-03-28T22:00:00Z")) == Self.instant("2026-03-29T01:00:00Z"))
        #expect(Self.newYork.nextOccurrence(of: Self.time("09:00"), after: Self.instant("2026-12-06T12:00:00Z")) == Self.instant("2026-12-06T14:00:00Z"))
    }

    @Test("a recipient's zone, else the default: unknown names fall back too")
    func recipientZone() {
        let utc = TimeZone.gmt
        #expect(RunClock(recipient: Recipient(timezone: "Asia/Jakarta"), defaultTimeZone: utc).timeZone.identifier == "Asia/Jakarta")
        #expect(RunClock(recipient: Recipient(), defaultTimeZone: TimeZone(identifier: "Europe/Berlin")!).timeZone.identifier == "Europe/Berlin")
        #expect(RunClock(recipient: Recipient(timezone: "Mars/Olympus"), defaultTimeZone: utc).timeZone == utc)
    }

    @Test("wall arithmetic: whole days keep the time of day, the rest is hours on the wall clock")
    func wallArithmetic() {
        let wall = WallTime(day: Self.day(2026, 3, 31), at: Self.time("00:00"))
        #expect(wall.subtracting(seconds: 3 * 86_400) == WallTime(day: Self.day(2026, 3, 28), at: Self.time("00:00")))
        #expect(wall.subtracting(seconds: 12 * 3600) == WallTime(day: Self.day(2026, 3, 30), at: Self.time("12:00")))
        #expect(DurationText.format(86_400) == "1d" && DurationText.format(5400) == "90m" && DurationText.format(1.5) == "1500ms")
        #expect(DurationText.format(7200) == "2h" && DurationText.format(45) == "45s" && DurationText.format(0) == "0s")
    }
}
