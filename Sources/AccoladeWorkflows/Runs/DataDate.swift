import AccoladeCore
import Foundation

/// A date or date-time read from event data, for `delay: {until}` and `remind: {before}`:
///
/// - `2026-12-31` — a calendar day, read in the recipient's zone;
/// - `2026-12-31T09:00`, `2026-12-31T09:00:00(.fff)` — a wall time, in the recipient's zone;
/// - the same followed by `Z` or an offset (`+07:00`, `+0700`, `+07`) — an exact instant, which
///   keeps its offset whatever the recipient's zone.
///
/// `T` may be lower case or a space (RFC 3339 allows both). Days must exist (`2026-02-30` is no
/// date). Anything else — numbers, other formats — is not a date: the step says so.
public enum DataDate: Sendable, Hashable {
    /// A day without a time.
    case day(CivilDay)
    /// A wall time without a zone.
    case local(WallTime)
    /// An instant (the text had `Z` or an offset).
    case instant(Date)

    /// Parses `text`; `nil` when it is none of the shapes above.
    public init?(_ text: String) {
        let b = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var value = 0
            for i in from..<(from + count) {
                guard b[i] >= 48, b[i] <= 57 else { return nil }
                value = value * 10 + Int(b[i] - 48)
            }
            return value
        }
        guard b.count >= 10, let year = number(0, 4), b[4] == UInt8(ascii: "-"), let month = number(5, 2), b[7] == UInt8(ascii: "-"),
            let dayOfMonth = number(8, 2), let day = CivilDay(year: year, month: month, day: dayOfMonth)
        else { return nil }
        if b.count == 10 {
            self = .day(day)
            return
        }
        guard [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(b[10]), let hour = number(11, 2), hour < 24,
            b.count >= 16, b[13] == UInt8(ascii: ":"), let minute = number(14, 2), minute < 60
        else { return nil }
        var seconds = Double(hour * 3600 + minute * 60)
        var i = 16
        if i < b.count, b[i] == UInt8(ascii: ":") {
            guard let second = number(i + 1, 2), second < 60 else { return nil }
            seconds += Double(second)
            i += 3
            if i < b.count, b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: ",") {
                i += 1
                var scale = 0.1
                let start = i
                while i < b.count, b[i] >= 48, b[i] <= 57 {
                    seconds += Double(b[i] - 48) * scale
                    scale /= 10
                    i += 1
                }
                guard i > start else { return nil }
            }
        }
        let wall = WallTime(day: day, secondOfDay: seconds)
        if i == b.count {
            self = .local(wall)
            return
        }
        var offset = 0
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            guard i + 1 == b.count else { return nil }
        } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            guard let oh = number(i + 1, 2), oh < 24 else { return nil }
            var om = 0
            switch b.count - (i + 3) {
            case 0: break
            case 2: guard let m = number(i + 3, 2) else { return nil }; om = m
            case 3: guard b[i + 3] == UInt8(ascii: ":"), let m = number(i + 4, 2) else { return nil }; om = m
            default: return nil
            }
            guard om < 60 else { return nil }
            offset = (oh * 3600 + om * 60) * (b[i] == UInt8(ascii: "-") ? -1 : 1)
        } else {
            return nil
        }
        self = .instant(Date(timeIntervalSince1970: wall.naiveSeconds - Double(offset)))
    }

    /// The wall reading in `clock`'s zone: the day at midnight, the wall time as written, or the
    /// instant as that zone's clocks show it.
    public func wallTime(in clock: RunClock) -> WallTime {
        switch self {
        case .day(let day): WallTime(day: day, secondOfDay: 0)
        case .local(let wall): wall
        case .instant(let date): clock.wallTime(of: date)
        }
    }
}
