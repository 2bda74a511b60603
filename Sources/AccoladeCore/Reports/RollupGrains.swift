/// The grains the report rollups are kept at, in UTC quarter-hours: whole UTC days (96), hours
/// (4) and quarter-hours (1). A store writes every counter at each grain; a report period is read
/// as few buckets as sum to it exactly (``cover(_:)``), so a long period costs its days, and its
/// edges cost hours and quarter-hours.
public enum RollupGrains {
    /// Quarter-hours per bucket, coarsest first.
    public static let sizes: [Int64] = [96, 4, 1]

    /// Quarter-hours in a UTC day, the coarsest grain.
    static let day: Int64 = 96

    /// One piece of a cover: the buckets of one grain (each a multiple of `grain`) in
    /// `buckets`, whose quarter-hours are `buckets` itself, added (`sign` 1) or taken away (-1).
    public struct Piece: Sendable, Hashable {
        /// Quarter-hours per bucket.
        public var grain: Int64
        /// The quarter-hours covered, both ends multiples of `grain`.
        public var buckets: Range<Int64>
        /// 1 to add these buckets, -1 to take them away (a whole day less what it holds beyond
        /// the period).
        public var sign: Int64

        /// Creates a piece.
        public init(grain: Int64, buckets: Range<Int64>, sign: Int64 = 1) {
            self.grain = grain
            self.buckets = buckets
            self.sign = sign
        }
    }

    /// Pieces whose signed sum is exactly `range` (quarter-hours), in as few buckets as this
    /// finds: the whole UTC days inside it, and for each edge inside a UTC day either its hours
    /// and quarter-hours, or — when fewer — that whole day less the hours and quarter-hours of
    /// the day outside the period. A day in +05:45 (18:15 → 18:15 UTC) is three quarter-hours and
    /// five hours, then the next UTC day less its last five hours and three quarter-hours: 17
    /// buckets instead of 27; in +07:00, 15 instead of 24.
    public static func cover(_ range: Range<Int64>) -> [Piece] {
        guard !range.isEmpty else { return [] }
        let lo = ceiling(range.lowerBound, day)
        let hi = floor(range.upperBound, day)
        if lo < hi {
            return edge(range.lowerBound..<lo) + [Piece(grain: day, buckets: lo..<hi)] + edge(hi..<range.upperBound)
        }
        // No whole day: the range lies in one UTC day or straddles one midnight.
        let midnight = floor(range.upperBound, day)
        guard midnight > range.lowerBound else { return edge(range) }
        return edge(range.lowerBound..<midnight) + edge(midnight..<range.upperBound)
    }

    /// A range inside one UTC day: its hours and quarter-hours, or the day less its complement.
    private static func edge(_ range: Range<Int64>) -> [Piece] {
        guard !range.isEmpty else { return [] }
        let direct = fine(range)
        let start = floor(range.lowerBound, day)
        let complement = (fine(start..<range.lowerBound) + fine(range.upperBound..<(start + day))).map {
            Piece(grain: $0.grain, buckets: $0.buckets, sign: -1)
        }
        guard 1 + buckets(complement) < buckets(direct) else { return direct }
        return [Piece(grain: day, buckets: start..<(start + day))] + complement
    }

    /// How many buckets `pieces` read.
    static func buckets(_ pieces: [Piece]) -> Int64 { pieces.reduce(0) { $0 + Int64($1.buckets.count) / $1.grain } }

    /// Hours inside `range`, quarter-hours at its ends.
    private static func fine(_ range: Range<Int64>) -> [Piece] {
        guard !range.isEmpty else { return [] }
        let lo = ceiling(range.lowerBound, 4)
        let hi = floor(range.upperBound, 4)
        guard lo < hi else { return [Piece(grain: 1, buckets: range)] }
        return [
            Piece(grain: 1, buckets: range.lowerBound..<lo), Piece(grain: 4, buckets: lo..<hi), Piece(grain: 1, buckets: hi..<range.upperBound),
        ].filter { !$0.buckets.isEmpty }
    }

    private static func floor(_ value: Int64, _ grain: Int64) -> Int64 {
        let r = value % grain
        return r < 0 ? value - r - grain : value - r
    }

    private static func ceiling(_ value: Int64, _ grain: Int64) -> Int64 {
        let f = floor(value, grain)
        return f == value ? f : f + grain
    }
}
