import AccoladeChannels
import Testing

@Suite struct QuotedPrintableTests {
    private func encode(_ text: String) -> String { String(decoding: QuotedPrintable.encode(text), as: UTF8.self) }
    private func lines(_ text: String) -> [Substring] { encode(text).split(separator: "\r\n", omittingEmptySubsequences: false) }

    @Test func plainASCIIIsUnchanged() {
        #expect(encode("Hello Ana, your code is RW-7Q2K!") == "Hello Ana, your code is RW-7Q2K!")
    }

    @Test func equalsSignIsEscaped() {
        #expect(encode("a=b") == "a=3Db")
        #expect(encode("<a href=\"x\">") == "<a href=3D\"x\">")
    }

    @Test func trailingWhitespaceIsEscapedInteriorIsNot() {
        #expect(encode("end \nnext") == "end=20\r\nnext")
        #expect(encode("tab\t") == "tab=09")
        #expect(encode("a b") == "a b")
    }

    @Test func lineEndingsBecomeCRLF() {
        #expect(encode("a\nb\r\nc\rd") == "a\r\nb\r\nc\r\nd")
        #expect(encode("a\n\nb\n") == "a\r\n\r\nb\r\n")
        #expect(!encode("x\ny\rz").utf8.enumerated().contains { index, byte in
            let bytes = Array(encode("x\ny\rz").utf8)
            return (byte == 0x0A && (index == 0 || bytes[index - 1] != 0x0D)) || (byte == 0x0D && (index + 1 >= bytes.count || bytes[index + 1] != 0x0A))
        })
    }

    @Test func longLinesGetSoftBreaksAtMost76() {
        let text = String(repeating: "abcdefghij", count: 30)
        let encoded = lines(text)
        #expect(encoded.count > 3)
        for line in encoded { #expect(line.utf8.count <= 76) }
        for line in encoded.dropLast() { #expect(line.hasSuffix("=")) }
        #expect(MailDecoding.decodeQuotedPrintable(QuotedPrintable.encode(text)) == Array(text.utf8))
    }

    @Test func nonASCIIIsEscapedAndNeverSplitAcrossSoftBreaks() {
        let text = String(repeating: "Selamat! Hadiah für dich — 🎉 ", count: 12)
        let encoded = lines(text)
        for line in encoded {
            #expect(line.utf8.count <= 76)
            #expect(line.utf8.allSatisfy { $0 < 0x80 })
            // A line never ends in the middle of an emoji/umlaut: its last escaped byte is not a lead byte.
            let body = line.hasSuffix("=") ? line.dropLast() : line[...]
            if body.count >= 3, body.dropLast(2).last == "=" {
                let value = UInt8(String(body.suffix(2)), radix: 16) ?? 0
                #expect(value < 0xC0, "line ends with a UTF-8 lead byte: \(line)")
            }
        }
        #expect(MailDecoding.decodeQuotedPrintable(QuotedPrintable.encode(text)) == Array(text.utf8))
    }

    @Test func leadingDotIsEscaped() {
        #expect(encode(".\nfoo\n.bar") == "=2E\r\nfoo\r\n=2Ebar")
    }

    @Test func exactly76CharactersNeedNoSoftBreak() {
        let text = String(repeating: "x", count: 76)
        #expect(encode(text) == text)
        #expect(lines(String(repeating: "x", count: 77)).count == 2)
    }
}
