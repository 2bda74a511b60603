/// The latency histograms behind the percentiles, for charts (the dashboard's latency
/// distribution): the counts the rollups keep per ``LatencyBins`` bucket.
extension ReportFigures {
    /// The latency measures kept: accepted → provider accepted, accepted → delivered/read,
    /// accepted → first redemption.
    public static let latencyMeasures = ["lat_sent", "lat_delivered", "lat_redeem"]

    /// Counts by bucket index (``LatencyBins/upperBounds``; the index past the last bound is
    /// "longer than a week") of `measure`; buckets without a count are absent.
    public func latencyHistogram(_ measure: String) -> [Int: Int64] { latency[measure] ?? [:] }

    /// Deliveries of the inbox and WhatsApp (the channels that report seen/read), by state.
    public var seenCapableDeliveries: [String: Int64] { seenCapable }
}
