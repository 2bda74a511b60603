import AccoladeCore

/// `application/x-www-form-urlencoded` as browsers, Twilio and Kannel use it: pure, no I/O.
///
/// Encoding keeps `A–Z a–z 0–9 - . _ *`, turns a space into `+` and percent-encodes every other
/// UTF-8 byte; decoding accepts `+` or `%20` for a space and keeps malformed `%` escapes as text.
public enum FormURLEncoding {
    /// Encodes one name or value.
    public static func encode(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "*"):
                out.append(byte)
            case UInt8(ascii: " "):
                out.append(UInt8(ascii: "+"))
            default:
                out.append(UInt8(ascii: "%"))
                Hex.append(byte, uppercase: true, to: &out)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Encodes raw bytes (binary values such as Kannel's `udh`), every byte percent-encoded.
    public static func encode(bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 3)
        for byte in bytes {
            out.append(UInt8(ascii: "%"))
            Hex.append(byte, uppercase: true, to: &out)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Encodes name/value pairs in the given order: `a=1&b=x+y`.
    public static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
    }

    /// Decodes `a=1&b=x+y` into pairs in order (repeated names kept; invalid UTF-8 replaced).
    public static func decode(_ text: some StringProtocol) -> [(String, String)] {
        var pairs: [(String, String)] = []
        for part in text.split(separator: "&", omittingEmptySubsequences: true) {
            if let eq = part.firstIndex(of: "=") {
                pairs.append((decodeComponent(part[..<eq]), decodeComponent(part[part.index(after: eq)...])))
            } else {
                pairs.append((decodeComponent(part), ""))
            }
        }
        return pairs
    }

    /// Decodes one component: `+` is a space, `%XX` a byte.
    public static func decodeComponent(_ text: some StringProtocol) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), i + 2 < bytes.count, let hi = Hex.value(ofDigit: bytes[i + 1]), let lo = Hex.value(ofDigit: bytes[i + 2]) {
                out.append(hi << 4 | lo)
                i += 2
            } else {
                out.append(byte)
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
