import Foundation

/// RFC 3339 instants as the API and CLI exchange them (`2026-12-31T09:00:00Z`, `…+07:00`, `….250Z`).
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

    private static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// `2026-12-31T09:00:00.250Z` (UTC, milliseconds).
    public static func format(_ date: Date) -> String {
        date.formatted(style)
    }
}
