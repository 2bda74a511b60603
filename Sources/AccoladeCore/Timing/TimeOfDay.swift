/// A wall-clock time `"HH:MM"` (00:00–23:59), read in the recipient's time zone.
public struct TimeOfDay: Sendable, Hashable, CustomStringConvertible {
    /// 0–23.
    public var hour: Int
    /// 0–59.
    public var minute: Int

    /// Parses exactly `HH:MM` with two digits each.
    public init?(_ text: String) {
        let b = Array(text.utf8)
        func digit(_ i: Int) -> Int? { b[i] >= 48 && b[i] <= 57 ? Int(b[i] - 48) : nil }
        guard b.count == 5, b[2] == UInt8(ascii: ":"), let h1 = digit(0), let h2 = digit(1), let m1 = digit(3), let m2 = digit(4)
        else { return nil }
        let hour = h1 * 10 + h2, minute = m1 * 10 + m2
        guard hour < 24, minute < 60 else { return nil }
        self.hour = hour
        self.minute = minute
    }

    /// `09:30`.
    public var description: String {
        (hour < 10 ? "0" : "") + String(hour) + ":" + (minute < 10 ? "0" : "") + String(minute)
    }
}

extension TimeOfDay: Comparable {
    /// Minutes since midnight, `0 ..< 1440`.
    public var minuteOfDay: Int { hour * 60 + minute }

    /// Orders by time of day.
    public static func < (a: TimeOfDay, b: TimeOfDay) -> Bool { a.minuteOfDay < b.minuteOfDay }
}

extension TimeOfDay {
    /// `hour:minute`; both are clamped into range (a literal in code, never input).
    public init(hour: Int, minute: Int = 0) {
        self.init("00:00")!
        self.hour = min(max(hour, 0), 23)
        self.minute = min(max(minute, 0), 59)
    }

    /// Reads `key` of `node` as `"HH:MM"`, failing with the key path.
    static func parse(_ node: ConfigNode, _ key: String) throws(ConfigError) -> TimeOfDay {
        guard let text = try node.string(key) else {
            throw ConfigError(path: node.path(of: key), reason: "is required: a time like \"21:00\" (quote it: YAML reads 21:00 unquoted as a number)")
        }
        guard let time = TimeOfDay(text) else {
            throw ConfigError(path: node.path(of: key), reason: "expected a time \"HH:MM\" from 00:00 to 23:59, got \"\(text)\"")
        }
        return time
    }
}
