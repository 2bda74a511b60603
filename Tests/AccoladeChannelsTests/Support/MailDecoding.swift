import AccoladeTestSupport
import Foundation

/// Small decoders the tests use to check encoded output independently of the encoder.
enum MailDecoding {
    /// Decodes a header value: unfolds, then replaces each `=?UTF-8?B|Q?…?=` word (whitespace
    /// between adjacent words dropped, as RFC 2047 §6.2 says).
    static func decodeHeader(_ value: String) -> String {
        let unfolded = value.replacingOccurrences(of: "\r\n", with: "")
        let pattern = try! NSRegularExpression(pattern: "=\\?UTF-8\\?([BbQq])\\?([^?]*)\\?=(\\s+(?==\\?UTF-8\\?))?")
        var result = ""
        var last = unfolded.startIndex
        for match in pattern.matches(in: unfolded, range: NSRange(unfolded.startIndex..., in: unfolded)) {
            let range = Range(match.range, in: unfolded)!
            result += unfolded[last..<range.lowerBound]
            let kind = unfolded[Range(match.range(at: 1), in: unfolded)!].uppercased()
            let text = String(unfolded[Range(match.range(at: 2), in: unfolded)!])
            let bytes: [UInt8] = kind == "B" ? Array(Data(base64Encoded: text) ?? Data()) : decodeQ(text)
            result += String(decoding: bytes, as: UTF8.self)
            last = range.upperBound
        }
        result += unfolded[last...]
        return result
    }

    /// Decodes a quoted-printable body (soft breaks removed, `=XX` replaced).
    static func decodeQuotedPrintable(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "="), index + 2 < bytes.count, bytes[index + 1] == 0x0D, bytes[index + 2] == 0x0A {
                index += 3
            } else if byte == UInt8(ascii: "="), index + 2 < bytes.count,
                      let value = UInt8(String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self), radix: 16) {
                out.append(value)
                index += 3
            } else {
                out.append(byte)
                index += 1
            }
        }
        return out
    }

    private static func decodeQ(_ text: String) -> [UInt8] {
        decodeQuotedPrintable(Array(text.replacingOccurrences(of: "_", with: " ").utf8))
    }

    /// Splits raw message bytes into (header block, body) at the first blank line.
    static func splitHeaders(_ message: [UInt8]) -> (String, [UInt8]) {
        let text = message
        for index in 0..<(text.count - 3) where text[index] == 0x0D && text[index + 1] == 0x0A && text[index + 2] == 0x0D && text[index + 3] == 0x0A {
            return (String(decoding: text[..<index], as: UTF8.self), Array(text[(index + 4)...]))
        }
        return (String(decoding: text, as: UTF8.self), [])
    }

    /// The unfolded value of header `name` in a header block.
    static func header(_ name: String, in block: String) -> String? {
        let unfolded = block.replacingOccurrences(of: "\r\n ", with: " ").replacingOccurrences(of: "\r\n\t", with: "\t")
        for line in unfolded.components(separatedBy: "\r\n") {
            if line.lowercased().hasPrefix(name.lowercased() + ":") {
                return String(line.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }
}
