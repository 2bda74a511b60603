import AccoladeCore
import Foundation
import Testing

/// How a report period is cut into rollup buckets (``RollupGrains``): exact at quarter-hour
/// edges, coarsest in between.
@Suite("Rollup grains")
struct RollupGrainsTests {
    /// Quarter-hours since 1970 of a UTC date-time.
    static func quarter(_ text: String) throws -> Int64 {
        let date = try #require(ISOTime.parseRFC3339(text))
        return Int64(date.timeIntervalSince1970) / 900
    }

    @Test("a +05:45 day is two six-hour buckets and a UTC day, each with a quarter-hour set right")
    func kathmanduDay() throws {
        let zone = try #require(TimeZone(identifier: "Asia/Kathmandu"))
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = zone
        let since = try #require(calendar.date(from: DateComponents(year: 2026, month: 11, day: 3)))
        let until = try #require(calendar.date(from: DateComponents(year: 2026, month: 11, day: 4)))
        let period = try #require(ReportQuery(since: since, until: until, grain: .day, timeZone: zone).periods.first)
        let start = try Self.quarter("2026-11-02T18:15:00Z")
        #expect(period.buckets == start..<(start + 96))
        // 18:00–24:00 of the first UTC day less 18:00–18:15, then the second UTC day less its
        // 18:00–24:00 plus 18:00–18:15 again: 5 buckets (17 with days, hours and quarter-hours).
        let midnight = start + 3 + 20
        let pieces = RollupGrains.cover(period.buckets)
        #expect(
            pieces == [
                .init(grain: 24, buckets: (start - 1)..<midnight), .init(grain: 1, buckets: (start - 1)..<start, sign: -1),
                .init(grain: 96, buckets: midnight..<(midnight + 96)),
                .init(grain: 24, buckets: (midnight + 72)..<(midnight + 96), sign: -1), .init(grain: 1, buckets: (midnight + 72)..<(midnight + 73)),
            ])
        #expect(RollupGrains.buckets(pieces) == 5)
        #expect(Self.coverage(pieces, around: period.buckets) == nil)
    }

    @Test("a local day reads at most 12 buckets in any zone offset, 5 in +05:45 and +07:00, 1 in UTC")
    func everyOffset() {
        let midnight: Int64 = 1_900_032
        var most: Int64 = 0
        for offset in Int64(-48)...56 {  // −12:00 … +14:00 in quarter-hours
            let day = (midnight - offset)..<(midnight - offset + 96)
            let pieces = RollupGrains.cover(day)
            #expect(Self.coverage(pieces, around: day) == nil, "offset \(offset)")
            most = max(most, RollupGrains.buckets(pieces))
        }
        #expect(most <= 12)
        #expect(RollupGrains.buckets(RollupGrains.cover((midnight - 23)..<(midnight + 73))) == 5)
        #expect(RollupGrains.buckets(RollupGrains.cover((midnight - 28)..<(midnight + 68))) == 5)
        #expect(RollupGrains.cover(midnight..<(midnight + 96)) == [.init(grain: 96, buckets: midnight..<(midnight + 96))])
    }

    /// Where the signed pieces fail to count each quarter-hour of `range` once and every other
    /// quarter-hour near it never; nil when they are exact.
    static func coverage(_ pieces: [RollupGrains.Piece], around range: Range<Int64>) -> Int64? {
        var counts: [Int64: Int64] = [:]
        for piece in pieces {
            for q in piece.buckets { counts[q, default: 0] += piece.sign }
        }
        for q in (range.lowerBound - 200)..<(range.upperBound + 200) where counts[q, default: 0] != (range.contains(q) ? 1 : 0) {
            return q
        }
        return nil
    }

    @Test("a week in +05:30 reads whole UTC days in its middle")
    func kolkataWeek() throws {
        let start = try Self.quarter("2026-11-01T18:30:00Z")  // Monday 2026-11-02 00:00 in Kolkata
        let pieces = RollupGrains.cover(start..<(start + 7 * 96))
        // 18:00–24:00 less 18:00–18:30, 6 whole days, then the last UTC day less its 18:00–24:00
        // plus 18:00–18:30.
        #expect(pieces.map(\.grain) == [24, 1, 96, 96, 24, 1])
        #expect(pieces.map(\.sign) == [1, -1, 1, 1, -1, 1])
        #expect(pieces[2].buckets.count == 6 * 96)
        #expect(Self.coverage(pieces, around: start..<(start + 7 * 96)) == nil)
    }

    @Test("every cover counts each quarter-hour of its range once and no other", arguments: [Int64(0), 1, 3, 4, 70, 95, 96, 97, 191, 1_000])
    func exact(offset: Int64) {
        for length in [Int64(0), 1, 2, 3, 4, 5, 50, 73, 95, 96, 97, 120, 200, 1_000] {
            let range = (1_900_032 + offset)..<(1_900_032 + offset + length)
            let pieces = RollupGrains.cover(range)
            #expect(Self.coverage(pieces, around: range) == nil, "\(range)")
            for piece in pieces {
                #expect(!piece.buckets.isEmpty && piece.buckets.lowerBound % piece.grain == 0 && piece.buckets.upperBound % piece.grain == 0)
            }
        }
        #expect(RollupGrains.cover(0..<(Int64.max / 2)).count <= 7)
    }
}
