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
    public static func format(_ date: Date) -> String {
        date.formatted(style)
    }
}
