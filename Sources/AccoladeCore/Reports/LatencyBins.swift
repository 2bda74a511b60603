/// The fixed, roughly logarithmic latency buckets the rollups count in (a 1–2.5–5 series from
/// 100 ms to a week): a percentile is answered as the upper bound of the bucket it falls in, so
/// it is exact to the bucket and never needs the raw times.
public enum LatencyBins {
    /// Upper bounds in milliseconds; bucket `i` holds times `<= upperBounds[i]` (and above the
    /// previous bound), bucket `upperBounds.count` everything longer.
    public static let upperBounds: [Int64] = [
        100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 120_000, 300_000, 900_000, 1_800_000,
        3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000, 172_800_000, 604_800_000,
    ]

    /// The bucket of a time in milliseconds (negative times, a clock step, count as the first).
    public static func bin(ofMillis millis: Int64) -> Int {
        upperBounds.firstIndex { millis <= $0 } ?? upperBounds.count
    }

    /// The upper bound of bucket `bin` in seconds; nil for the open last bucket.
    public static func upperBoundSeconds(_ bin: Int) -> Double? {
        bin < upperBounds.count ? Double(upperBounds[bin]) / 1000 : nil
    }

    /// The `p` percentile (0 < p <= 1) of a histogram (counts by bin) as the upper bound of its
    /// bucket in seconds; nil when empty. `.infinity` when it falls in the open last bucket.
    public static func percentile(_ p: Double, of counts: [Int: Int64]) -> Double? {
        let total = counts.values.reduce(0, +)
        guard total > 0 else { return nil }
        let rank = Int64((Double(total) * p).rounded(.up))
        var seen: Int64 = 0
        for bin in counts.keys.sorted() {
            seen += counts[bin] ?? 0
            if seen >= max(rank, 1) { return upperBoundSeconds(bin) ?? .infinity }
        }
        return .infinity
    }

    /// A percentile as reports show it: the open last bucket (`.infinity`, longer than a week)
    /// reads as the week it starts at, since JSON, CSV and the dashboard have no infinity.
    public static func shownSeconds(_ value: Double) -> Double {
        value.isFinite ? value : Double(upperBounds.last ?? 0) / 1000
    }
}
