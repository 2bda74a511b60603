import Foundation

/// Makes time-sortable ids (UUIDv7, RFC 9562) so ids order by creation in every store and log.
public enum Identifier {
    /// A new lowercase UUIDv7 string: 48-bit Unix milliseconds, version 7, 74 random bits.
    public static func make(now: Date = Date()) -> String {
        var rng = SystemRandomNumberGenerator()
        return make(now: now, using: &rng)
    }

    /// A new UUIDv7 string using the given random source (tests pass a seeded generator).
    public static func make(now: Date, using rng: inout some RandomNumberGenerator) -> String {
        let millis = UInt64(max(0, now.timeIntervalSince1970 * 1000))
        let r1 = rng.next() as UInt64
        let r2 = rng.next() as UInt64
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<6 { bytes[i] = UInt8(truncatingIfNeeded: millis >> (40 - 8 * UInt64(i))) }
        for i in 6..<16 { bytes[i] = UInt8(truncatingIfNeeded: (i < 14 ? r1 : r2) >> (8 * UInt64(i % 8))) }
        bytes[6] = 0x70 | (bytes[6] & 0x0F)  // version 7
        bytes[8] = 0x80 | (bytes[8] & 0x3F)  // RFC 9562 variant
        let hex = Array(Hex.encode(bytes).utf8)
        var out: [UInt8] = []
        out.reserveCapacity(36)
        for (i, c) in hex.enumerated() {
            if i == 8 || i == 12 || i == 16 || i == 20 { out.append(UInt8(ascii: "-")) }
            out.append(c)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
