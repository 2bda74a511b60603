/// The report rollups a store keeps (in the transaction of every write that changes them) and
/// reads back, summed, for ``Report``.
public protocol ReportStore: Sendable {
    /// The counters of `periods` (each a half-open range of UTC quarter-hour buckets, see
    /// ``ReportQuery``), summed per period, channel, the `by` dimensions (in that order),
    /// measure and currency; zero sums are left out.
    func reportRollups(periods: [Range<Int64>], by: [ReportDimension]) async throws -> [RollupRow]

    /// Recomputes every counter from the log (messages, deliveries, attempts, receipts,
    /// redemptions) in one transaction: `accolade report rebuild`.
    func rebuildReportRollups() async throws
}

/// What reports can be grouped by besides time.
public enum ReportDimension: String, Sendable, Hashable, CaseIterable, Codable {
    case channel, provider, template, workflow, category, programme, locale, country
}

/// One summed counter.
public struct RollupRow: Sendable, Hashable {
    /// Index into the periods asked for.
    public var period: Int
    /// The delivery channel (message-level counters: the message's first channel).
    public var channel: String
    /// Values of the `by` dimensions, in the order asked (``ReportDimension/channel`` included
    /// when asked, repeating ``channel``).
    public var dimensions: [String]
    /// The measure (`messages`, `state:delivered`, `cost`, `lat_sent:07` …).
    public var measure: String
    /// The currency of a money measure, `""` otherwise.
    public var currency: String
    /// The sum.
    public var value: Int64

    /// Creates a row.
    public init(period: Int, channel: String, dimensions: [String], measure: String, currency: String, value: Int64) {
        self.period = period
        self.channel = channel
        self.dimensions = dimensions
        self.measure = measure
        self.currency = currency
        self.value = value
    }
}
