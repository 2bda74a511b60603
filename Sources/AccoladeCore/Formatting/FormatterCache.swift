import Foundation

/// Shares one ``LocaleFormatter`` per (locale, time zone) pair across renders and threads, keeping
/// at most ``capacity`` of them (least recently used out).
///
/// Requests choose the pair, and a formatter holds several ICU objects and a memo table, so the
/// cache must not grow with whatever names clients send: requests are validated (see
/// ``LocaleTag``), and even valid names are too many to keep forever.
public final class FormatterCache: @unchecked Sendable {
    private struct Key: Hashable {
        var locale: String
        var zone: String?
    }

    private struct Entry {
        var formatter: LocaleFormatter
        var lastUse: UInt64
    }

    /// Most formatters kept; a campaign uses a handful of locales and zones.
    public let capacity: Int
    private let lock = NSLock()
    private var entries: [Key: Entry] = [:]
    private var tick: UInt64 = 0

    /// Creates an empty cache holding at most `capacity` formatters.
    public init(capacity: Int = 256) {
        self.capacity = max(1, capacity)
    }

    /// How many formatters are cached now.
    public var count: Int { lock.withLock { entries.count } }

    /// The formatter for `locale` and an IANA time zone name (`nil` means UTC), or `nil` when
    /// the time zone is unknown.
    public func formatter(locale: String, timeZone: String?) -> LocaleFormatter? {
        let key = Key(locale: locale, zone: timeZone)
        lock.lock()
        defer { lock.unlock() }
        tick &+= 1
        if let hit = entries[key] {
            entries[key]?.lastUse = tick
            return hit.formatter
        }
        guard let zone = TimeZone(identifier: timeZone ?? "UTC") else { return nil }
        if entries.count >= capacity, let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse })?.key {
            // A linear scan, but only when a new pair arrives with the cache full: rare.
            entries.removeValue(forKey: oldest)
        }
        let made = LocaleFormatter(locale: locale, timeZone: zone)
        entries[key] = Entry(formatter: made, lastUse: tick)
        return made
    }
}
