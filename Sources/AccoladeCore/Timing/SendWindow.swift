/// `send_window: { days: [mon, tue, wed, thu, fri], from: "09:00", until: "18:00" }`: the only
/// wall-clock times, in the recipient's zone, at which a category's messages are delivered.
/// `from` is inside the window, `until` is not; `from` must be earlier than `until` (a window
/// does not cross midnight — use quiet hours for nights).
public struct SendWindow: Sendable, Hashable, CustomStringConvertible {
    /// The days it opens on; all seven when `days` is left out.
    public var days: Set<Weekday>
    /// When it opens.
    public var from: TimeOfDay
    /// When it closes.
    public var until: TimeOfDay

    /// Creates a window.
    public init(days: Set<Weekday> = Set(Weekday.allCases), from: TimeOfDay, until: TimeOfDay) {
        self.days = days
        self.from = from
        self.until = until
    }

    /// `mon–fri 09:00–18:00`-like text: `mon,tue,wed 09:00–18:00`.
    public var description: String {
        let list = days.count == 7 ? "daily" : days.sorted().map(\.rawValue).joined(separator: ",")
        return "\(list) \(from)–\(until)"
    }

    init(_ node: ConfigNode) throws(ConfigError) {
        var days = Set<Weekday>()
        if let names = try node.strings("days") {
            for (i, name) in names.enumerated() {
                guard let day = Weekday(rawValue: name.lowercased()) else {
                    throw ConfigError(path: "\(node.path(of: "days"))[\(i)]", reason: "expected one of mon, tue, wed, thu, fri, sat, sun; got \"\(name)\"")
                }
                days.insert(day)
            }
            guard !days.isEmpty else { throw ConfigError(path: node.path(of: "days"), reason: "must list at least one day (leave days out for every day)") }
        } else {
            days = Set(Weekday.allCases)
        }
        let from = try TimeOfDay.parse(node, "from")
        let until = try TimeOfDay.parse(node, "until")
        try node.rejectUnknownKeys()
        guard from < until else {
            throw ConfigError(path: node.path(of: "until"), reason: "must be later than from (\(from)); a send window does not cross midnight")
        }
        self.init(days: days, from: from, until: until)
    }
}
