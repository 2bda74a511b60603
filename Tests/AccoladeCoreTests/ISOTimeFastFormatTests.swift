import Foundation
import Testing

@testable import AccoladeCore

/// Holds ``ISOTime/format(_:)``'s hand-written path to Foundation's `ISO8601FormatStyle`, which
/// is what the API wrote before: same text for every instant, stored milliseconds and arbitrary
/// binary fractions alike.
@Suite("ISO time fast path matches Foundation")
struct ISOTimeFastFormatTests {
    /// A deterministic generator (SplitMix64), so a failure names a reproducible instant.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    func expectSame(_ date: Date) {
        #expect(ISOTime.fastFormat(date) == ISOTime.foundationFormat(date), "t = \(date.timeIntervalSince1970)")
    }

    @Test("stored milliseconds, 1970 to 9999")
    func storedMilliseconds() {
        var random = SplitMix(state: 15)
        for _ in 0..<50_000 {
            let millis = Int64.random(in: 0..<253_402_300_800_000, using: &random)
            expectSame(Date(timeIntervalSince1970: Double(millis) / 1000))
        }
    }

    @Test("arbitrary fractions, sub-millisecond noise and the years around now")
    func arbitraryFractions() {
        var random = SplitMix(state: 16)
        for _ in 0..<50_000 {
            expectSame(Date(timeIntervalSince1970: Double.random(in: 0..<ISOTime.fastFormatLimit, using: &random)))
            let near = Double(Int64.random(in: 1_500_000_000..<2_500_000_000, using: &random))
                + Double(Int.random(in: 0...999, using: &random)) / 1000 + Double.random(in: -1e-6...1e-6, using: &random)
            expectSame(Date(timeIntervalSince1970: near))
        }
    }

    @Test("edges: the epoch, leap days, the last instant, and Foundation outside the range")
    func edges() {
        for t in [0, 0.001, 0.0005, 951_782_400, 951_868_799.999, 4_107_542_400, 1_798_761_599.999, 253_402_300_799.999] {
            expectSame(Date(timeIntervalSince1970: t))
        }
        #expect(ISOTime.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(ISOTime.format(Date(timeIntervalSince1970: 951_825_600.25)) == "2000-02-29T12:00:00.250Z")
        #expect(ISOTime.fastFormat(Date(timeIntervalSince1970: -1)) == nil)
        #expect(ISOTime.fastFormat(Date(timeIntervalSince1970: ISOTime.fastFormatLimit)) == nil)
        let before1970 = Date(timeIntervalSince1970: -86_400.5)
        #expect(ISOTime.format(before1970) == ISOTime.foundationFormat(before1970))
    }
}
