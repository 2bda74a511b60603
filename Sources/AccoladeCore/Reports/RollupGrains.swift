/// The grains the report rollups are kept at, in UTC quarter-hours: whole UTC days (96), six
/// hours (24), hours (4) and quarter-hours (1). A store writes every counter at each grain; a
/// report period is read as few buckets as sum to it exactly (``cover(_:)``), so a long period
/// costs its days, and its edges a handful of coarse buckets with finer ones added or taken away.
///
/// Why these four: a local day in a zone that is not UTC is two partial UTC days. With days,
/// hours and quarter-hours only (and the previous cover), a +07:00 day read 15 buckets and a
/// +05:45 day 17; with the six-hour grain and this cover, 5 and 5, and at most 12 in any offset
/// from −12:00 to +14:00 (`RollupGrainsTests`), for one more counter update per write.
public enum RollupGrains {
    /// Quarter-hours per bucket, coarsest first; each divides the one before it.
    public static let sizes: [Int64] = [96, 24, 4, 1]

    /// One piece of a cover: the buckets of one grain (each a multiple of `grain`) in
    /// `buckets`, whose quarter-hours are `buckets` itself, added (`sign` 1) or taken away (-1).
    public struct Piece: Sendable, Hashable {
        /// Quarter-hours per bucket.
        public var grain: Int64
        /// The quarter-hours covered, both ends multiples of `grain`.
        public var buckets: Range<Int64>
        /// 1 to add these buckets, -1 to take them away (a coarser bucket less what it holds
        /// beyond the period).
        public var sign: Int64

        /// Creates a piece.
        public init(grain: Int64, buckets: Range<Int64>, sign: Int64 = 1) {
            self.grain = grain
            self.buckets = buckets
            self.sign = sign
        }
    }

    /// Pieces whose signed sum is exactly `range` (quarter-hours), in as few buckets as this
    /// finds: at each grain, coarsest first, the whole buckets inside the range, and for each
    /// edge either its cover at the finer grains, or — when fewer — the whole bucket it lies in
    /// less the finer cover of that bucket's part outside the range. A day in +05:45 (18:15 →
    /// 18:15 UTC) is the six hours from 18:00 less one quarter-hour, then the next UTC day less
    /// the same two buckets: 5 buckets.
    public static func cover(_ range: Range<Int64>) -> [Piece] { cover(range, level: 0) }

    /// The cover of `range` at grain `sizes[level]` and finer.
    private static func cover(_ range: Range<Int64>, level: Int) -> [Piece] {
        guard !range.isEmpty else { return [] }
        let grain = sizes[level]
        guard level + 1 < sizes.count else { return [Piece(grain: grain, buckets: range)] }
        let lo = ceiling(range.lowerBound, grain)
        let hi = floor(range.upperBound, grain)
        if lo < hi {
            return edge(range.lowerBound..<lo, level: level) + [Piece(grain: grain, buckets: lo..<hi)] + edge(hi..<range.upperBound, level: level)
        }
        // No whole bucket: the range straddles one boundary (lo == hi) or lies inside one bucket.
        guard lo == hi else { return edge(range, level: level) }
        return edge(range.lowerBound..<lo, level: level) + edge(hi..<range.upperBound, level: level)
    }

    /// A range inside one bucket of grain `sizes[level]`: its cover at the finer grains, or that
    /// bucket less the finer cover of its complement, whichever reads fewer buckets.
    private static func edge(_ range: Range<Int64>, level: Int) -> [Piece] {
        guard !range.isEmpty else { return [] }
        let direct = cover(range, level: level + 1)
        let grain = sizes[level]
        let start = floor(range.lowerBound, grain)
        let outside = (cover(start..<range.lowerBound, level: level + 1) + cover(range.upperBound..<(start + grain), level: level + 1)).map {
            Piece(grain: $0.grain, buckets: $0.buckets, sign: -$0.sign)
        }
        guard 1 + buckets(outside) < buckets(direct) else { return direct }
        return [Piece(grain: grain, buckets: start..<(start + grain))] + outside
    }

    /// How many buckets `pieces` read.
    public static func buckets(_ pieces: [Piece]) -> Int64 { pieces.reduce(0) { $0 + Int64($1.buckets.count) / $1.grain } }

    private static func floor(_ value: Int64, _ grain: Int64) -> Int64 {
        let r = value % grain
        return r < 0 ? value - r - grain : value - r
    }

    private static func ceiling(_ value: Int64, _ grain: Int64) -> Int64 {
        let f = floor(value, grain)
        return f == value ? f : f + grain
    }
}
