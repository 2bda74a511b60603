/// The figures of one report row (a period × the grouped dimensions), computed from summed
/// rollup counters. Money stays per currency throughout: nothing adds two currencies.
public struct ReportFigures: Sendable, Hashable {
    /// Messages accepted.
    public var messages: Int64 = 0
    /// Deliveries by state (`queued` for every unfinished state, `optout` for skips because the
    /// address opted out, else the state's name).
    public var deliveries: [String: Int64] = [:]
    /// Deliveries of channels that report seen/read (inbox, WhatsApp), by state.
    var seenCapable: [String: Int64] = [:]
    /// Bounce reports received.
    public var bounces: Int64 = 0
    /// Latency histograms by measure (`lat_sent`, `lat_delivered`, `lat_redeem`), counts by bin.
    var latency: [String: [Int: Int64]] = [:]
    /// Delivery cost per currency, micros.
    public var cost: [String: Int64] = [:]
    /// Reward value issued per currency, micros.
    public var issued: [String: Int64] = [:]
    /// Messages that issued a value.
    public var issuedCount: Int64 = 0
    /// Reward value redeemed per currency, micros.
    public var redeemed: [String: Int64] = [:]
    /// Messages redeemed.
    public var redemptions: Int64 = 0
    /// Outcome value reported per currency, micros.
    public var outcome: [String: Int64] = [:]

    /// Creates empty figures.
    public init() {}

    /// Adds one summed counter.
    public mutating func add(_ row: RollupRow) {
        let m = row.measure
        if m.hasPrefix("state:") {
            let state = String(m.dropFirst(6))
            deliveries[state, default: 0] += row.value
            if row.channel == "inbox" || row.channel == "whatsapp" { seenCapable[state, default: 0] += row.value }
        } else if m.hasPrefix("lat_"), let colon = m.firstIndex(of: ":"), let bin = Int(m[m.index(after: colon)...]) {
            latency[String(m[..<colon]), default: [:]][bin, default: 0] += row.value
        } else {
            switch m {
            case "messages": messages += row.value
            case "bounces": bounces += row.value
            case "cost": cost[row.currency, default: 0] += row.value
            case "issued": issued[row.currency, default: 0] += row.value
            case "issued_count": issuedCount += row.value
            case "redeemed": redeemed[row.currency, default: 0] += row.value
            case "redemptions": redemptions += row.value
            case "outcome": outcome[row.currency, default: 0] += row.value
            default: break
            }
        }
    }

    private func count(_ states: [String], in table: [String: Int64]) -> Int64 { states.reduce(0) { $0 + (table[$1] ?? 0) } }

    /// Deliveries the provider accepted and that did not fail later (sent, delivered, read).
    public var accepted: Int64 { count(["sent", "delivered", "read"], in: deliveries) }
    /// Deliveries that finished (accepted or failed); skipped and cancelled ones are not tried.
    public var finished: Int64 { accepted + count(["failed"], in: deliveries) }
    /// Opt-outs: deliveries skipped because the address opted out.
    public var optOuts: Int64 { deliveries["optout"] ?? 0 }

    /// Accepted over finished deliveries; nil when none finished.
    public var deliveryRate: Double? { finished > 0 ? Double(accepted) / Double(finished) : nil }
    /// Of accepted inbox and WhatsApp deliveries, those seen (delivered or read); nil when none.
    public var seenRate: Double? {
        let base = count(["sent", "delivered", "read"], in: seenCapable)
        return base > 0 ? Double(count(["delivered", "read"], in: seenCapable)) / Double(base) : nil
    }
    /// Of accepted inbox and WhatsApp deliveries, those read; nil when none.
    public var readRate: Double? {
        let base = count(["sent", "delivered", "read"], in: seenCapable)
        return base > 0 ? Double(seenCapable["read"] ?? 0) / Double(base) : nil
    }
    /// Redemptions over messages that issued a value; nil when none did.
    public var redemptionRate: Double? { issuedCount > 0 ? Double(redemptions) / Double(issuedCount) : nil }

    /// Percentile `p` of a latency (`lat_sent`, `lat_delivered`, `lat_redeem`) in seconds, as
    /// the upper bound of its ``LatencyBins`` bucket.
    public func percentile(_ p: Double, of measure: String) -> Double? { LatencyBins.percentile(p, of: latency[measure] ?? [:]) }

    /// Cost per accepted delivery, per currency (micros).
    public var costPerDelivered: [String: Int64] {
        guard accepted > 0 else { return [:] }
        return cost.mapValues { $0 / accepted }
    }

    /// ROI per currency where outcome values exist: (outcome − spend) / spend, spend being
    /// delivery cost plus reward value redeemed in that currency.
    public var roi: [String: Double] {
        var out: [String: Double] = [:]
        for (currency, value) in outcome where value != 0 {
            let spend = (cost[currency] ?? 0) + (redeemed[currency] ?? 0)
            if spend > 0 { out[currency] = Double(value - spend) / Double(spend) }
        }
        return out
    }
}

/// A computed report: rows in period order, then by dimension values, and the totals.
public struct Report: Sendable {
    /// One row.
    public struct Row: Sendable {
        /// The period's label (`2026-11-03`, `2026-W45`, `2026-11`, or `all`).
        public var period: String
        /// The values of the query's dimensions, in order.
        public var dimensions: [String]
        /// The figures.
        public var figures: ReportFigures
    }

    /// The query answered.
    public var query: ReportQuery
    /// The rows.
    public var rows: [Row]
    /// Every row added up.
    public var totals: ReportFigures

    /// Builds the report from the store's rollups.
    public static func make(_ query: ReportQuery, store: any ReportStore) async throws -> Report {
        let periods = query.periods
        let rows = try await store.reportRollups(periods: periods.map(\.buckets), by: query.dimensions)
        return make(query, periods: periods.map(\.label), rows: rows)
    }

    /// Builds the report from summed counters.
    public static func make(_ query: ReportQuery, periods: [String], rows: [RollupRow]) -> Report {
        struct Key: Hashable {
            var period: Int
            var dimensions: [String]
        }
        var groups: [Key: ReportFigures] = [:]
        var totals = ReportFigures()
        for row in rows {
            groups[Key(period: row.period, dimensions: row.dimensions), default: ReportFigures()].add(row)
            totals.add(row)
        }
        let ordered = groups.keys.sorted {
            $0.period != $1.period ? $0.period < $1.period : $0.dimensions.lexicographicallyPrecedes($1.dimensions)
        }
        return Report(
            query: query,
            rows: ordered.map { Row(period: periods.indices.contains($0.period) ? periods[$0.period] : "?", dimensions: $0.dimensions, figures: groups[$0]!) },
            totals: totals)
    }
}
