/// RFC 5322 header lines with RFC 2047 encoded-words: pure functions, no I/O.
///
/// Every function returns complete, folded header lines (`Name: value`, continuation lines joined
/// with `CRLF SP`) without the final CRLF. Callers must have rejected CR, LF and NUL already.
public enum HeaderEncoding {
    /// Longest line we produce when encoded-words are involved (RFC 2047 §2).
    public static let maxLineLength = 76
    /// Longest encoded-word (RFC 2047 §2).
    public static let maxEncodedWordLength = 75
    private static let wordPrefix = "=?UTF-8?B?"
    private static let wordSuffix = "?="

    /// An unstructured header such as `Subject`: plain ASCII stays readable (folded at spaces),
    /// anything else becomes a run of `=?UTF-8?B?…?=` words.
    public static func unstructured(name: String, value: String) -> String {
        if isSafeASCII(value) {
            return fold(name: name, tokens: value.split(separator: " ", omittingEmptySubsequences: false).map(String.init))
        }
        return fold(name: name, tokens: encodedWords(value, firstRoom: maxLineLength - name.utf8.count - 2))
    }

    /// An address header such as `From` or `To`: the display name as an atom run, a quoted string
    /// or encoded-words; the `<addr-spec>` is never encoded.
    public static func mailbox(name: String, _ mailbox: EmailAddress) -> String {
        let angle = "<\(mailbox.address)>"
        guard let displayName = mailbox.displayName else { return "\(name): \(angle)" }
        let phrase: [String]
        if isSafeASCII(displayName) {
            phrase = [displayName.utf8.allSatisfy(isPhraseSafe) ? displayName : quoted(displayName)]
        } else {
            phrase = encodedWords(displayName, firstRoom: maxLineLength - name.utf8.count - 2)
        }
        return fold(name: name, tokens: phrase + [angle])
    }

    /// Splits `value` into B encoded-words of at most 75 characters; the first word fits in
    /// `firstRoom` characters, later ones after a folding space.
    ///
    /// Words break where the text has spaces, each space kept at the end of the word before the
    /// break: RFC 2047 decoders drop the folding whitespace between encoded-words and get the
    /// text back exactly, and parsers that keep it (Python's `email.policy.default`, several
    /// clients) show one extra space between two whole words, never a word cut in two. Only a
    /// word too long for one encoded-word (about 40 UTF-8 bytes) is split inside, and then
    /// between characters (grapheme clusters; between scalars only for a cluster longer than a
    /// word), never inside a UTF-8 sequence.
    public static func encodedWords(_ value: String, firstRoom: Int) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        var room = max(firstRoom, 16)
        func fits(_ count: Int) -> Bool { encodedLength(chunk.count + count) <= room }
        func flush() {
            words.append(word(chunk))
            chunk.removeAll(keepingCapacity: true)
            room = maxEncodedWordLength
        }
        /// Appends `pieces` whole, flushing before one that does not fit; pieces too long for an
        /// empty word are split further by `smaller`.
        func pack<Piece>(_ pieces: [Piece], bytes: (Piece) -> [UInt8], smaller: (Piece) -> Void) {
            for piece in pieces {
                let encoded = bytes(piece)
                if !fits(encoded.count), !chunk.isEmpty { flush() }
                if fits(encoded.count) { chunk += encoded } else { smaller(piece) }
            }
        }
        pack(spaceSeparatedRuns(value), bytes: { Array($0.utf8) }) { run in
            pack(Array(run), bytes: { Array($0.utf8) }) { character in
                pack(Array(character.unicodeScalars), bytes: { Array(String($0).utf8) }) { scalar in
                    chunk += Array(String(scalar).utf8)  // ≤ 4 bytes: fits any fresh word
                }
            }
        }
        if !chunk.isEmpty || words.isEmpty { words.append(word(chunk)) }
        return words
    }

    /// `value` cut after every run of spaces: `"Ana  Putri"` → `["Ana  ", "Putri"]`.
    static func spaceSeparatedRuns(_ value: String) -> [Substring] {
        var runs: [Substring] = []
        var start = value.startIndex
        var index = value.startIndex
        while index < value.endIndex {
            let next = value.index(after: index)
            if value[index] == " ", next < value.endIndex, value[next] != " " {
                runs.append(value[start..<next])
                start = next
            }
            index = next
        }
        if start < value.endIndex { runs.append(value[start...]) }
        return runs
    }

    /// Joins tokens with single spaces after `Name:`, folding with `CRLF SP` before a token that
    /// would push the line past 76 characters.
    static func fold(name: String, tokens: [String]) -> String {
        var out = "\(name):"
        var lineLength = out.utf8.count
        for token in tokens {
            let width = token.utf8.count + 1
            if lineLength + width > maxLineLength, lineLength > name.utf8.count + 1 {
                out += "\r\n"
                lineLength = 0
            }
            out += " "
            out += token
            lineLength += width
        }
        return out
    }

    /// Printable ASCII that no decoder could mistake for an encoded-word, in words short enough
    /// to fold within RFC 5322's 998-octet line limit.
    static func isSafeASCII(_ value: String) -> Bool {
        var wordLength = 0
        var previous: UInt8 = 0
        for byte in value.utf8 {
            guard byte >= 0x20, byte < 0x7F else { return false }
            if previous == UInt8(ascii: "="), byte == UInt8(ascii: "?") { return false }
            wordLength = byte == 0x20 ? 0 : wordLength + 1
            if wordLength > 900 { return false }
            previous = byte
        }
        return true
    }

    /// `atext` or space: a display name made only of these needs no quoting.
    private static func isPhraseSafe(_ byte: UInt8) -> Bool {
        byte == 0x20 || EmailAddress.isAtext(byte)
    }

    private static func quoted(_ value: String) -> String {
        var out = "\""
        for character in value {
            if character == "\"" || character == "\\" { out.append("\\") }
            out.append(character)
        }
        out.append("\"")
        return out
    }

    private static func encodedLength(_ byteCount: Int) -> Int {
        wordPrefix.utf8.count + (byteCount + 2) / 3 * 4 + wordSuffix.utf8.count
    }

    private static func word(_ bytes: [UInt8]) -> String {
        wordPrefix + Base64.encode(bytes) + wordSuffix
    }
}

/// Minimal standard base64 (RFC 4648) so header encoding needs no Foundation.
enum Base64 {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let b0 = bytes[index]
            let b1 = index + 1 < bytes.count ? bytes[index + 1] : 0
            let b2 = index + 2 < bytes.count ? bytes[index + 2] : 0
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            out.append(index + 1 < bytes.count ? alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            out.append(index + 2 < bytes.count ? alphabet[Int(b2 & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
