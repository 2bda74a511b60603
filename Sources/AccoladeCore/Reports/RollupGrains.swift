/// The grains the report rollups are kept at, in UTC quarter-hours: whole UTC days (96), hours
/// (4) and quarter-hours (1). A store writes every counter at each grain; a report period is read
/// as the fewest buckets that tile it exactly (``cover(_:)``), so a long period costs its days,
/// and only its edges cost quarter-hours.
public enum RollupGrains {
    /// Quarter-hours per bucket, coarsest first.
    public static let sizes: [Int64] = [96, 4, 1]

    /// One piece of a cover: the buckets of one grain (each a multiple of `grain`) in
    /// `buckets`, whose quarter-hours are `buckets` itself.
    public struct Piece: Sendable, Hashable {
        /// Quarter-hours per bucket.
        public var grain: Int64
        /// The quarter-hours covered, both ends multiples of `grain`.
        public var buckets: Range<Int64>

        /// Creates a piece.
        public init(grain: Int64, buckets: Range<Int64>) {
            self.grain = grain
            self.buckets = buckets
        }
    }

    /// The pieces that tile `range` (quarter-hours) exactly, in time order, coarsest possible:
    /// the whole days inside it, then whole hours inside each remaining edge, then the edge
    /// quarter-hours. A day in +05:45 (18:15 → 18:15 UTC) is three quarter-hours, 23 hours and
    /// one quarter-hour.
    public static func cover(_ range: Range<Int64>) -> [Piece] {
        cover(range, sizes[...])
    }

    private static func cover(_ range: Range<Int64>, _ sizes: ArraySlice<Int64>) -> [Piece] {
        guard !range.isEmpty, let grain = sizes.first else { return [] }
        let rest = sizes.dropFirst()
        let lo = ceiling(range.lowerBound, grain)
        let hi = floor(range.upperBound, grain)
        guard lo < hi else { return cover(range, rest) }
        return cover(range.lowerBound..<lo, rest) + [Piece(grain: grain, buckets: lo..<hi)] + cover(hi..<range.upperBound, rest)
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
