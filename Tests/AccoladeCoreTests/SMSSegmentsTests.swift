import Testing
@testable import AccoladeCore

@Suite("SMS segments")
struct SMSSegmentsTests {
    /// Checks every property a concatenated SMS must have; returns the parts.
    @discardableResult
    func checkSplit(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
        let segments = SMSSegments(text)
        let parts = segments.parts
        #expect(parts.joined() == text, "parts rejoin to the text", sourceLocation: sourceLocation)
        #expect(parts.count == segments.analysis.segments, "preview's segment count is the number of parts sent", sourceLocation: sourceLocation)
        let limit = parts.count == 1 ? segments.analysis.singleLimit : segments.analysis.partLimit
        for part in parts {
            #expect(!part.isEmpty && segments.units(of: part) <= limit, sourceLocation: sourceLocation)
            // Each part stands alone in UTF-16: no lone surrogate at either end.
            let units = Array(part.utf16)
            #expect(!UTF16.isTrailSurrogate(units.first!) && !UTF16.isLeadSurrogate(units.last!), sourceLocation: sourceLocation)
            #expect(SMSAnalysis(part).encoding == segments.analysis.encoding || segments.analysis.encoding == .ucs2, sourceLocation: sourceLocation)
        }
        // Greedy: no part could have taken the first character of the next.
        for (part, next) in zip(parts, parts.dropFirst()) where segments.analysis.encoding == .ucs2 {
            let first = next.first!
            if first.utf16.count <= limit { #expect(segments.units(of: part) + first.utf16.count > limit, sourceLocation: sourceLocation) }
        }
        return parts
    }

    @Test("UCS-2: an emoji at every position around 67, 134 and 201 stays whole")
    func emojiAroundEveryBoundary() {
        for emoji in ["😀", "👍🏽", "🇮🇩", "👨‍👩‍👧"] {
            for boundary in [67, 134, 201] {
                for position in (boundary - 5)...(boundary + 3) {
                    let text = String(repeating: "á", count: position) + emoji + String(repeating: "ö", count: 20)
                    let parts = checkSplit(text)
                    // The emoji is in exactly one part.
                    #expect(parts.filter { $0.contains(Character(emoji)) }.count == 1)
                }
            }
        }
    }

    @Test("UCS-2 figures: 70 single, 67 per part, a pair that would straddle moves whole")
    func ucs2Figures() {
        #expect(SMSSegments(String(repeating: "á", count: 68) + "😀").parts.count == 1)
        #expect(SMSSegments(String(repeating: "á", count: 69) + "😀").parts.map(\.utf16.count) == [67, 4])
        #expect(SMSSegments(String(repeating: "á", count: 66) + "😀" + String(repeating: "b", count: 10)).parts.map(\.utf16.count) == [66, 12])
        #expect(SMSSegments(String(repeating: "á", count: 65) + "😀" + String(repeating: "b", count: 10)).parts.map(\.utf16.count) == [67, 10])
        #expect(SMSSegments(String(repeating: "😀", count: 67)).parts.map(\.utf16.count) == [66, 66, 2])
    }

    @Test("GSM-7: an extension character at every position around 153 and 306 stays with its escape")
    func extensionAroundEveryBoundary() {
        for character in ["€", "[", "]", "{", "}", "~", "^", "|", "\\", "\u{0C}"] {
            for boundary in [153, 306, 459] {
                for position in (boundary - 3)...(boundary + 2) {
                    let text = String(repeating: "x", count: position) + character + character + String(repeating: "y", count: 10)
                    let segments = SMSSegments(text)
                    #expect(segments.analysis.encoding == .gsm7)
                    checkSplit(text)
                }
            }
        }
        // 152 septets + € (2) does not fit 153: the € opens part 2.
        #expect(SMSSegments(String(repeating: "x", count: 152) + "€" + String(repeating: "y", count: 10)).parts.map(\.count) == [152, 11])
        #expect(SMSSegments(String(repeating: "x", count: 151) + "€" + String(repeating: "y", count: 10)).parts.map(\.count) == [152, 10])
        #expect(SMSSegments(String(repeating: "x", count: 306)).parts.map(\.count) == [153, 153])
        #expect(SMSSegments(String(repeating: "x", count: 160)).parts.count == 1)
        #expect(SMSSegments(String(repeating: "x", count: 158) + "€").parts.count == 1)
        #expect(SMSSegments("").parts.isEmpty)
    }

    @Test("random mixes of basic, extension, accented, emoji and CR LF split by the rule")
    func randomTexts() {
        // A fixed LCG: the same texts every run.
        var seed: UInt64 = 0xC0FFEE
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        let gsmPool: [String] = ["a", "Z", " ", "€", "[", "}", "\r\n", "é", "Ä", "0"]
        let ucsPool: [String] = gsmPool + ["😀", "👍🏽", "🇮🇩", "ą", "—", "👨‍👩‍👧", "e\u{301}"]
        for round in 0..<400 {
            let pool = round.isMultiple(of: 2) ? gsmPool : ucsPool
            let text = (0..<(1 + next(420))).map { _ in pool[next(pool.count)] }.joined()
            checkSplit(text)
        }
    }

    @Test("the concatenation header is 05 00 03 ref total seq, with a reference stable per delivery")
    func header() {
        #expect(SMSConcatenationHeader(reference: 0x9A, total: 3, sequence: 2).bytes == [0x05, 0x00, 0x03, 0x9A, 0x03, 0x02])
        let ref = SMSConcatenationHeader.reference(forDelivery: "0190f3a2-7b1c-7d2e-8f00-123456789abc")
        #expect(ref == SMSConcatenationHeader.reference(forDelivery: "0190f3a2-7b1c-7d2e-8f00-123456789abc"))
        let spread = Set((0..<1000).map { SMSConcatenationHeader.reference(forDelivery: "d-\($0)") })
        #expect(spread.count > 200)
    }
}
