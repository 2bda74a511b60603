/// A day of the week, as configuration spells it (`mon` … `sun`).
public enum Weekday: String, Sendable, Hashable, CaseIterable, Comparable {
    /// Monday … Sunday, in calendar order.
    case mon, tue, wed, thu, fri, sat, sun

    /// 0 for Monday … 6 for Sunday.
    public var index: Int { Weekday.allCases.firstIndex(of: self)! }

    /// The weekday of the day `dayNumber` days after 1970-01-01 (a Thursday).
    public init(dayNumber: Int) {
        self = Weekday.allCases[((dayNumber % 7) + 7 + 3) % 7]
    }

    /// Orders Monday first.
    public static func < (a: Weekday, b: Weekday) -> Bool { a.index < b.index }
}
