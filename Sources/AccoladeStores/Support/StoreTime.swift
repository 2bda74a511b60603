import Foundation

/// How stores write times: whole milliseconds since 1970 (UTC), in an integer column.
///
/// Integers compare and index exactly (a `REAL` column would make `next_attempt_at <= now`
/// depend on floating-point rounding), millisecond precision is finer than any delay the
/// dispatcher schedules, and the same number maps onto PostgreSQL `bigint` or `timestamptz`.
/// A `Date` therefore round-trips through a store rounded to the millisecond; ``normalized(_:)``
/// applies the same rounding so values handed back by `enqueue` equal values read later.
enum StoreTime {
    /// Milliseconds since 1970, rounded to the nearest millisecond.
    static func millis(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// Optional form of ``millis(_:)``.
    static func millis(_ date: Date?) -> Int64? {
        date.map { millis($0) }
    }

    /// The date `millis` milliseconds after 1970.
    static func date(_ millis: Int64) -> Date {
        Date(timeIntervalSince1970: Double(millis) / 1000)
    }

    /// Optional form of ``date(_:)``.
    static func date(_ millis: Int64?) -> Date? {
        millis.map { date($0) }
    }

    /// `date` as a store gives it back: rounded to the millisecond.
    static func normalized(_ date: Date) -> Date {
        self.date(millis(date))
    }

    /// Optional form of ``normalized(_:)``.
    static func normalized(_ date: Date?) -> Date? {
        date.map { normalized($0) }
    }
}
