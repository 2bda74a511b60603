import Foundation

/// What a report covers and how it is grouped: `--since`/`--until` (or `since=`/`until=`), `--by`
/// (a time grain and/or dimensions) and `--tz`.
///
/// Times are cut to UTC quarter-hours, the rollups' grain; every zone offset in use is a whole
/// number of quarter-hours (+05:30 and +05:45 included), so days, ISO weeks and months in any
/// zone are whole sets of buckets, across clock changes too.
public struct ReportQuery: Sendable, Hashable {
    /// A time grain.
    public enum Grain: String, Sendable, Hashable, CaseIterable { case day, week, month }

    /// The first instant included.
    public var since: Date
    /// The first instant not included.
    public var until: Date
    /// The time grain, nil for one period over the whole range.
    public var grain: Grain?
    /// The dimensions to group by, in the order given.
    public var dimensions: [ReportDimension]
    /// The zone days, weeks and months are read in.
    public var timeZone: TimeZone

    /// Creates a query.
    public init(since: Date, until: Date, grain: Grain? = nil, dimensions: [ReportDimension] = [], timeZone: TimeZone = .gmt) {
        self.since = since
        self.until = until
        self.grain = grain
        self.dimensions = dimensions
        self.timeZone = timeZone
    }

    /// Parses the options; `now` gives the defaults (`until` now, `since` 30 days before the
    /// start of today). A date (`2026-11-01`) is that day's start in `tz`; as `until` it
    /// includes that whole day. The error says which option is wrong and how to write it.
    public static func parse(since: String?, until: String?, by: String?, tz: String?, now: Date) -> Result<ReportQuery, ReportQueryError> {
        var zone = TimeZone.gmt
        if let tz {
            guard LocaleTag.isKnownTimeZone(tz), let z = TimeZone(identifier: tz) else {
                return .failure(ReportQueryError(field: "tz", reason: "\"\(tz.prefix(60))\" is not an IANA time zone like Asia/Jakarta or UTC"))
            }
            zone = z
        }
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = zone
        var grain: Grain?
        var dimensions: [ReportDimension] = []
        for word in (by ?? "").split(separator: ",", omittingEmptySubsequences: true).map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if let g = Grain(rawValue: word) {
                guard grain == nil else { return .failure(ReportQueryError(field: "by", reason: "name one of day, week, month at most")) }
                grain = g
            } else if let d = ReportDimension(rawValue: word) {
                guard !dimensions.contains(d) else { return .failure(ReportQueryError(field: "by", reason: "\(word) is named twice")) }
                dimensions.append(d)
            } else {
                let known = (Grain.allCases.map(\.rawValue) + ReportDimension.allCases.map(\.rawValue)).joined(separator: ", ")
                return .failure(ReportQueryError(field: "by", reason: "unknown grouping \"\(word.prefix(40))\"; use a comma-separated list of \(known)"))
            }
        }
        func instant(_ text: String, field: String, endOfDay: Bool) -> Result<Date, ReportQueryError> {
            if let day = CivilDate(text), let start = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day)) {
                return .success(endOfDay ? calendar.date(byAdding: .day, value: 1, to: start) ?? start : start)
            }
            if let date = ISOTime.parseRFC3339(text) { return .success(date) }
            return .failure(ReportQueryError(field: field, reason: "\"\(text.prefix(40))\" is neither a date (2026-11-01) nor a date-time (2026-11-01T00:00:00Z)"))
        }
        let start: Date
        let end: Date
        switch (since.map { instant($0, field: "since", endOfDay: false) }, until.map { instant($0, field: "until", endOfDay: true) }) {
        case (.failure(let e)?, _), (_, .failure(let e)?): return .failure(e)
        case (let s, let u):
            end = (try? u?.get()) ?? now
            start = (try? s?.get()) ?? calendar.date(byAdding: .day, value: -30, to: calendar.startOfDay(for: end)) ?? end
        }
        guard start < end else { return .failure(ReportQueryError(field: "since", reason: "must be before until")) }
        guard end.timeIntervalSince(start) <= 3 * 366 * 86_400 else {
            return .failure(ReportQueryError(field: "until", reason: "a report covers at most three years; narrow since/until"))
        }
        return .success(ReportQuery(since: start, until: end, grain: grain, dimensions: dimensions, timeZone: zone))
    }

    /// The periods: their labels and bucket ranges (UTC quarter-hours).
    public var periods: [(label: String, buckets: Range<Int64>)] {
        // The end is rounded up: "until now" includes the quarter-hour now is in.
        func bucket(_ d: Date) -> Int64 { Int64((d.timeIntervalSince1970 * 1000 / 900_000).rounded(.down)) }
        func end(_ d: Date) -> Int64 { Int64((d.timeIntervalSince1970 * 1000 / 900_000).rounded(.up)) }
        guard let grain else { return [("all", bucket(since)..<max(end(until), bucket(since)))] }
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = timeZone
        let component: Calendar.Component = grain == .day ? .day : grain == .week ? .weekOfYear : .month
        var out: [(String, Range<Int64>)] = []
        var cursor = calendar.dateInterval(of: component, for: since)?.start ?? since
        while cursor < until, out.count < 5_000 {
            guard let next = calendar.date(byAdding: component, value: 1, to: cursor) else { break }
            let lo = max(cursor, since)
            let hi = min(next, until)
            out.append((label(cursor, grain: grain, calendar: calendar), bucket(lo)..<max(end(hi), bucket(lo))))
            cursor = next
        }
        return out
    }

    private func label(_ start: Date, grain: Grain, calendar: Calendar) -> String {
        let c = calendar.dateComponents([.year, .month, .day, .yearForWeekOfYear, .weekOfYear], from: start)
        func two(_ n: Int?) -> String { String(format: "%02d", n ?? 0) }
        switch grain {
        case .day: return "\(c.year ?? 0)-\(two(c.month))-\(two(c.day))"
        case .week: return "\(c.yearForWeekOfYear ?? 0)-W\(two(c.weekOfYear))"
        case .month: return "\(c.year ?? 0)-\(two(c.month))"
        }
    }
}

/// A report option that cannot be read.
public struct ReportQueryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The option (`since`, `until`, `by`, `tz`, `format`).
    public var field: String
    /// What is wrong and how to write it.
    public var reason: String

    /// Creates an error.
    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    /// `by: unknown grouping …`.
    public var description: String { "\(field): \(reason)" }
}

/// `YYYY-MM-DD`.
struct CivilDate {
    var year: Int, month: Int, day: Int
    init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.count == 10, parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
            parts[0].count == 4, (1...12).contains(m), (1...31).contains(d)
        else { return nil }
        (year, month, day) = (y, m, d)
    }
}
