import AccoladeCore

/// Quoted-printable body encoding (RFC 2045 §6.7), producing 7-bit CRLF text.
///
/// Pure and allocation-light: it appends into a caller-owned buffer so a whole MIME message is
/// built in one array.
public enum QuotedPrintable {
    /// Longest encoded line, soft-break `=` included.
    public static let maxLineLength = 76

    /// Encodes `text`, first normalising every CRLF, bare CR and bare LF to a hard CRLF line break.
    public static func encode(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + text.utf8.count / 8)
        encode(text, into: &out)
        return out
    }

    /// Appends the encoding of `text` to `out` (no trailing CRLF beyond the text's own).
    public static func encode(_ text: String, into out: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            var lineStart = 0
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte == 0x0D || byte == 0x0A {
                    encodeLine(bytes[lineStart..<index], into: &out)
                    out.append(0x0D)
                    out.append(0x0A)
                    // CRLF counts as one break; a lone CR or LF is also one.
                    index += (byte == 0x0D && index + 1 < bytes.count && bytes[index + 1] == 0x0A) ? 2 : 1
                    lineStart = index
                } else {
                    index += 1
                }
            }
            encodeLine(bytes[lineStart..<bytes.count], into: &out)
        }
    }

    /// Encodes one hard line (no CR/LF inside), inserting `=` soft breaks so no line exceeds 76.
    private static func encodeLine(_ line: Slice<UnsafeBufferPointer<UInt8>>, into out: inout [UInt8]) {
        let start = line.startIndex, end = line.endIndex
        var column = 0
        var index = start
        while index < end {
            let byte = line[index]
            // A multi-byte UTF-8 sequence is escaped whole and kept on one encoded line, so no
            // decoder sees half a character; ASCII is one token.
            let length = byte < 0x80 ? 1 : min(byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4, end - index)
            let escape = length > 1 || needsEscape(byte, first: index == start, last: index == end - 1)
            let width = escape ? 3 * length : 1
            // The last token may reach column 76; anything else must leave room for the `=`.
            if column + width > (index + length == end ? maxLineLength : maxLineLength - 1) {
                out.append(contentsOf: softBreak)
                column = 0
            }
            if escape {
                for position in index..<(index + length) {
                    let value = line[position]
                    out.append(UInt8(ascii: "="))
                    Hex.append(value, uppercase: true, to: &out)
                }
            } else {
                out.append(byte)
            }
            column += width
            index += length
        }
    }

    private static let softBreak: [UInt8] = [UInt8(ascii: "="), 0x0D, 0x0A]

    private static func needsEscape(_ byte: UInt8, first: Bool, last: Bool) -> Bool {
        switch byte {
        case UInt8(ascii: "="): return true
        case 0x20, 0x09: return last  // trailing whitespace would be stripped in transit
        // A leading dot is escaped so no relay ever sees a lone "." line (SMTP smuggling, lossy relays).
        case UInt8(ascii: "."): return first
        case 0x21...0x7E: return false
        default: return true
        }
    }
}
