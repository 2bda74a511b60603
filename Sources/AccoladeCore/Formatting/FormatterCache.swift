import Foundation

/// Shares one ``LocaleFormatter`` per (locale, time zone) pair across renders and threads.
public final class FormatterCache: @unchecked Sendable {
    private let lock = NSLock()
    private var formatters: [Key: LocaleFormatter] = [:]

    private struct Key: Hashable {
        var locale: String
        var zone: String?
    }
    private var zones: [String: TimeZone?] = [:]

    /// Creates an empty cache.
    public init() {}

    /// The formatter for `locale` and an IANA time zone name (`nil` means UTC), or `nil` when
    /// the time zone is unknown.
    public func formatter(locale: String, timeZone: String?) -> LocaleFormatter? {
        let key = Key(locale: locale, zone: timeZone)
        lock.lock()
        defer { lock.unlock() }
        if let hit = formatters[key] { return hit }
        let zoneName = timeZone ?? "UTC"
        let zone: TimeZone?
        if let known = zones[zoneName] {
            zone = known
        } else {
            zone = TimeZone(identifier: zoneName)
            zones[zoneName] = zone
        }
        guard let zone else { return nil }
        let made = LocaleFormatter(locale: locale, timeZone: zone)
        formatters[key] = made
        return made
    }
}
