import Foundation

/// Parses an HTTP `Retry-After` header: delta-seconds or an HTTP-date (RFC 9110 §10.2.3). Pure.
public enum RetryAfter {
    /// Longest wait honoured; a provider asking for more is capped (the retry policy takes over).
    public static let maximum: TimeInterval = 3600

    /// The wait the header asks for at `now`, or nil when absent or unreadable.
    public static func parse(_ value: String?, now: Date) -> TimeInterval? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Int(value) { return seconds >= 0 ? min(TimeInterval(seconds), maximum) : nil }
        guard let date = httpDate(value) else { return nil }
        return min(max(0, date.timeIntervalSince(now)), maximum)
    }

    private static func httpDate(_ text: String) -> Date? {
        // IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT"; the obsolete forms are not sent by providers.
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.date(from: text)
    }
}
