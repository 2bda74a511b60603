import Foundation

/// RFC 3339 instants as the API, the CLI, logs and error texts exchange them
/// (`2026-12-31T09:00:00Z`, `…+07:00`, `….250Z`): the one way Accolade reads and writes times
/// (template values go through ``ISODate``, which this builds on).
public enum ISOTime {
    /// Parses an instant with an explicit zone; `nil` for anything else, a bare date included
    /// (a day without a zone would be ambiguous for a send time).
    public static func parseInstant(_ text: String) -> Date? {
        if case .instant(let date)? = ISODate.parse(text) { return date }
        return nil
    }

    /// Parses an RFC 3339 `date-time` exactly (seconds and zone required, `2026-12-31T09:00:00Z`,
    /// `2026-12-31T09:00:00.25+07:00`): what the API's OpenAPI document promises for times.
    public static func parseRFC3339(_ text: String) -> Date? {
        RFC3339.isDateTime(text) ? parseInstant(text) : nil
    }

    /// Parses an instant with its zone or a bare calendar day (`2026-12-31`, midnight UTC): what
    /// the CLI's `--send-at` and `--expires-at` take.
    public static func parseInstantOrDay(_ text: String) -> Date? {
        switch ISODate.parse(text) {
        case .instant(let date)?, .calendarDay(let date)?: date
        case nil: nil
        }
    }

    private static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// `2026-12-31T09:00:00.250Z` (UTC, milliseconds).
    ///
    /// Years 1970–9999 are written by ``fastFormat(_:)``, the same text as Foundation's
    /// `ISO8601FormatStyle` at a third of the cost (every feed item has up to four times, and
    /// the style's calendar arithmetic was 3% of the feed's CPU); other years go to Foundation.
    public static func format(_ date: Date) -> String {
        fastFormat(date) ?? date.formatted(style)
    }

    /// The last instant ``fastFormat(_:)`` writes is before 10000-01-01T00:00:00Z.
    static let fastFormatLimit: TimeInterval = 253_402_300_800

    /// ``format(_:)`` for 1970-01-01 up to the year 9999, `nil` outside. Like Foundation, it
    /// truncates to the millisecond the exact binary value of the time (`….9389999Z` is `.938`):
    /// `t × 1000` in floating point would round some of them up. A test compares the two on
    /// hundreds of thousands of instants.
    static func fastFormat(_ date: Date) -> String? {
        let t = date.timeIntervalSince1970
        guard t >= 0, t < fastFormatLimit else { return nil }
        // floor(t × 1000) in integers: t = mantissa × 2^exponent, 1000 × mantissa < 2^63.
        let millis: Int64
        if t == 0 {
            millis = 0
        } else {
            let mantissa = Int64(t.significandBitPattern | 1 << 52)
            let exponent = Int(t.exponent) - 52
            millis = exponent >= 0 ? (1000 * mantissa) << exponent : (1000 * mantissa) >> -exponent
        }
        let days = Int(millis / 86_400_000), ofDay = Int(millis % 86_400_000)
        // Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's civil_from_days).
        let z = days + 719_468
        let era = z / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        let second = ofDay / 1000, milli = ofDay % 1000
        return String(unsafeUninitializedCapacity: 24) { out in
            func put(_ value: Int, at index: Int) {
                out[index] = UInt8(truncatingIfNeeded: 48 + value / 10)
                out[index + 1] = UInt8(truncatingIfNeeded: 48 + value % 10)
            }
            put(year / 100, at: 0)
            put(year % 100, at: 2)
            out[4] = UInt8(ascii: "-")
            put(month, at: 5)
            out[7] = UInt8(ascii: "-")
            put(day, at: 8)
            out[10] = UInt8(ascii: "T")
            put(second / 3600, at: 11)
            out[13] = UInt8(ascii: ":")
            put(second / 60 % 60, at: 14)
            out[16] = UInt8(ascii: ":")
            put(second % 60, at: 17)
            out[19] = UInt8(ascii: ".")
            out[20] = UInt8(truncatingIfNeeded: 48 + milli / 100)
            put(milli % 100, at: 21)
            out[23] = UInt8(ascii: "Z")
            return 24
        }
    }

    /// What Foundation writes for `date` (the definition ``fastFormat(_:)`` is tested against).
    static func foundationFormat(_ date: Date) -> String {
        date.formatted(style)
    }
}
