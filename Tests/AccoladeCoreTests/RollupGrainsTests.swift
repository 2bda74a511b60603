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

    @Test("a +05:45 day is three quarter-hours, 23 hours and one quarter-hour")
    func kathmanduDay() throws {
        let zone = try #require(TimeZone(identifier: "Asia/Kathmandu"))
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = zone
        let since = try #require(calendar.date(from: DateComponents(year: 2026, month: 11, day: 3)))
        let until = try #require(calendar.date(from: DateComponents(year: 2026, month: 11, day: 4)))
        let period = try #require(ReportQuery(since: since, until: until, grain: .day, timeZone: zone).periods.first)
        let start = try Self.quarter("2026-11-02T18:15:00Z")
        #expect(period.buckets == start..<(start + 96))
        let pieces = RollupGrains.cover(period.buckets)
        #expect(
            pieces == [
                .init(grain: 1, buckets: start..<(start + 3)), .init(grain: 4, buckets: (start + 3)..<(start + 95)),
                .init(grain: 1, buckets: (start + 95)..<(start + 96)),
            ])
    }

    @Test("a week in +05:30 reads whole UTC days in its middle")
    func kolkataWeek() throws {
        let start = try Self.quarter("2026-11-01T18:30:00Z")  // Monday 2026-11-02 00:00 in Kolkata
        let pieces = RollupGrains.cover(start..<(start + 7 * 96))
        #expect(pieces.map(\.grain) == [1, 4, 96, 4, 1])
        #expect(pieces[2].buckets.count == 6 * 96)
    }

    @Test("every cover tiles its range exactly with aligned buckets", arguments: [Int64(0), 1, 3, 4, 95, 96, 97, 191, 1_000])
    func tiles(offset: Int64) {
        for length in [Int64(0), 1, 2, 3, 4, 5, 50, 95, 96, 97, 200, 1_000] {
            let range = (1_900_000 + offset)..<(1_900_000 + offset + length)
            let pieces = RollupGrains.cover(range)
            var cursor = range.lowerBound
            for piece in pieces {
                #expect(piece.buckets.lowerBound == cursor && !piece.buckets.isEmpty)
                #expect(piece.buckets.lowerBound % piece.grain == 0 && piece.buckets.upperBound % piece.grain == 0)
                cursor = piece.buckets.upperBound
            }
            #expect(cursor == range.upperBound)
        }
        #expect(RollupGrains.cover(0..<(Int64.max / 2)).count <= 5)
    }
}
