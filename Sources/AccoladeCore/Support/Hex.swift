/// Hexadecimal digits, written and read byte by byte: the one way Accolade turns bytes into hex
/// (digests, ids, percent and quoted-printable escapes, JSON `\u` escapes) and back.
///
/// `String(format: "%02x")` goes through Foundation's formatter per byte and is slow on Linux,
/// and `String(_:radix:)` needs padding and allocates a string per byte; a table lookup does neither.
public enum Hex {
    @usableFromInline static let lowerDigits: [UInt8] = Array("0123456789abcdef".utf8)
    @usableFromInline static let upperDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// Two hex digits per byte, lowercase unless `uppercase`.
    public static func encode(_ bytes: some Sequence<UInt8>, uppercase: Bool = false) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes { append(byte, uppercase: uppercase, to: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the two hex digits of `byte` to `out`, lowercase unless `uppercase`.
    @inlinable
    public static func append(_ byte: UInt8, uppercase: Bool = false, to out: inout [UInt8]) {
        let digits = uppercase ? upperDigits : lowerDigits
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0x0F)])
    }

    /// The value of one hex digit (`0`–`9`, `a`–`f`, `A`–`F`), nil for any other byte.
    @inlinable
    public static func value(ofDigit byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
