/// `quiet_hours: { start: "21:00", end: "08:00" }`: wall-clock hours, in the recipient's time
/// zone, during which nothing is delivered. A window whose start is after its end crosses
/// midnight (21:00 → 08:00 the next morning); the start is inside, the end is not.
public struct QuietHours: Sendable, Hashable, CustomStringConvertible {
    /// When quiet begins (inclusive).
    public var start: TimeOfDay
    /// When quiet ends (exclusive): deferred deliveries become due then.
    public var end: TimeOfDay

    /// Creates quiet hours; `start` and `end` must differ.
    public init(start: TimeOfDay, end: TimeOfDay) {
        self.start = start
        self.end = end
    }

    /// Whether the window crosses midnight (`start` later in the day than `end`).
    public var crossesMidnight: Bool { start > end }

    /// `21:00–08:00`.
    public var description: String { "\(start)–\(end)" }

    init(_ node: ConfigNode) throws(ConfigError) {
        let start = try TimeOfDay.parse(node, "start")
        let end = try TimeOfDay.parse(node, "end")
        try node.rejectUnknownKeys()
        guard start != end else {
            throw ConfigError(path: node.path(of: "end"), reason: "must differ from start (quiet all day would never deliver; leave quiet_hours out for none)")
        }
        self.init(start: start, end: end)
    }
}

/// What one level (category, channel) says about quiet hours: nothing (ask the next, less
/// specific level), its own hours, or `off` (none at all, whatever less specific levels say).
public enum QuietHoursSetting: Sendable, Hashable {
    /// Not set here: the less specific level decides.
    case inherit
    /// These hours.
    case hours(QuietHours)
    /// `quiet_hours: off`: no quiet hours at this level (e.g. a transactional category).
    case off

    /// Reads `key` of `node`: absent → `inherit`, `off`/`none`/`false` → `off`, else a mapping.
    static func parse(_ node: ConfigNode, key: String) throws(ConfigError) -> QuietHoursSetting {
        if node.isScalar(key) {
            let word = try node.string(key)?.lowercased()
            guard word == nil || ["off", "none", "false", "no"].contains(word!) else {
                throw ConfigError(path: node.path(of: key), reason: "expected { start: \"21:00\", end: \"08:00\" } or off, got \"\(word!)\"")
            }
            return word == nil ? .inherit : .off
        }
        guard let child = try node.optionalChild(key) else { return .inherit }
        return .hours(try QuietHours(child))
    }

    /// The first level that says anything, most specific first; `nil` when none has quiet hours.
    public static func resolve(_ levels: [QuietHoursSetting]) -> QuietHours? {
        for level in levels {
            switch level {
            case .inherit: continue
            case .off: return nil
            case .hours(let hours): return hours
            }
        }
        return nil
    }
}
