import Foundation

/// An ISO-8601 value from template data: either a calendar day or an instant.
///
/// Parsed by hand because `ISO8601DateFormatter` is neither cheap nor thread-safe, and the two
/// shapes templates use are simple: `YYYY-MM-DD`, and `YYYY-MM-DDTHH:MM[:SS[.fff]]` followed by
/// `Z` or `±HH:MM`. An instant without a zone is rejected: it would be ambiguous.
enum ISODate: Equatable {
    /// A day without a time, held as midnight UTC of that day.
    case calendarDay(Date)
    /// A point in time.
    case instant(Date)

    /// Parses `s`, or returns `nil` when it is not one of the supported shapes.
    static func parse(_ s: String) -> ISODate? {
        let b = Array(s.utf8)
        func digits(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var value = 0
            for i in from..<(from + count) {
                let c = b[i]
                guard c >= 48 && c <= 57 else { return nil }
                value = value * 10 + Int(c - 48)
            }
            return value
        }
        guard b.count >= 10, let year = digits(0, 4), b[4] == 45, let month = digits(5, 2), b[7] == 45,
            let day = digits(8, 2), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        // `2026-02-31` is no day at all: refused here rather than rolled over into March.
        guard day <= daysIn(month: month, year: year) else { return nil }
        var components = DateComponents(year: year, month: month, day: day, hour: 0, minute: 0, second: 0)
        if b.count == 10 {
            guard let date = utcCalendar.date(from: components) else { return nil }
            return .calendarDay(date)
        }
        guard b[10] == 84 || b[10] == 116, let hour = digits(11, 2), b.count > 13, b[13] == 58,
            let minute = digits(14, 2), hour < 24, minute < 60
        else { return nil }
        components.hour = hour
        components.minute = minute
        var i = 16
        var fraction = 0.0
        if i < b.count, b[i] == 58 {
            guard let second = digits(i + 1, 2), second < 61 else { return nil }
            components.second = second
            i += 3
            if i < b.count, b[i] == 46 || b[i] == 44 {
                var scale = 0.1
                i += 1
                let start = i
                while i < b.count, b[i] >= 48 && b[i] <= 57 {
                    fraction += Double(b[i] - 48) * scale
                    scale /= 10
                    i += 1
                }
                guard i > start else { return nil }
            }
        }
        guard i < b.count else { return nil }
        var offsetSeconds = 0
        if b[i] == 90 || b[i] == 122 {
            guard i + 1 == b.count else { return nil }
        } else if b[i] == 43 || b[i] == 45 {
            guard let oh = digits(i + 1, 2) else { return nil }
            var om = 0
            if i + 3 < b.count {
                let colon = b[i + 3] == 58 ? 1 : 0
                guard let m = digits(i + 3 + colon, 2), i + 5 + colon == b.count else { return nil }
                om = m
            } else {
                guard i + 3 == b.count else { return nil }
            }
            offsetSeconds = (oh * 3600 + om * 60) * (b[i] == 45 ? -1 : 1)
        } else {
            return nil
        }
        guard let date = utcCalendar.date(from: components) else { return nil }
        return .instant(date.addingTimeInterval(fraction - Double(offsetSeconds)))
    }

    /// Days in a month of the proleptic Gregorian calendar.
    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}

/// RFC 3339's `full-date` and `date-time` (what JSON Schema's `date` and `date-time` formats mean):
/// `2026-12-31`, `2026-12-31T09:00:00Z`, `2026-12-31t09:00:00.5+07:00`. Days must exist.
enum RFC3339 {
    static func isFullDate(_ text: String) -> Bool {
        let b = Array(text.utf8)
        return b.count == 10 && fullDate(b[...])
    }

    static func isDateTime(_ text: String) -> Bool {
        let b = Array(text.utf8)
        guard b.count >= 20, fullDate(b[0..<10]), b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t"),
            let hour = number(b, 11, 2), hour < 24, b[13] == UInt8(ascii: ":"), let minute = number(b, 14, 2), minute < 60,
            b[16] == UInt8(ascii: ":"), let second = number(b, 17, 2), second < 60
        else { return false }
        var i = 19
        if b[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < b.count, isDigit(b[i]) { i += 1 }
            guard i > start, i < b.count else { return false }
        }
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") { return i + 1 == b.count }
        guard b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-"), i + 6 == b.count, let oh = number(b, i + 1, 2), oh < 24,
            b[i + 3] == UInt8(ascii: ":"), let om = number(b, i + 4, 2), om < 60
        else { return false }
        return true
    }

    private static func fullDate(_ slice: ArraySlice<UInt8>) -> Bool {
        let b = Array(slice)
        guard let year = number(b, 0, 4), year >= 1, b[4] == UInt8(ascii: "-"), let month = number(b, 5, 2),
            b[7] == UInt8(ascii: "-"), let day = number(b, 8, 2), (1...12).contains(month)
        else { return false }
        return day >= 1 && day <= ISODate.daysIn(month: month, year: year)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func number(_ b: [UInt8], _ from: Int, _ count: Int) -> Int? {
        guard from + count <= b.count else { return nil }
        var value = 0
        for i in from..<(from + count) {
            guard isDigit(b[i]) else { return nil }
            value = value * 10 + Int(b[i] - UInt8(ascii: "0"))
        }
        return value
    }
}
