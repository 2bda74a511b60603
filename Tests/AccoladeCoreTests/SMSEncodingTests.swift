import Testing
@testable import AccoladeCore

@Suite("SMS encoding")
struct SMSEncodingTests {
    @Test("encoding, units and segments", arguments: [
        // text, encoding, units, segments
        ("", SMSAnalysis.Encoding.gsm7, 0, 0),
        ("Hello", .gsm7, 5, 1),
        ("@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¡ÄÖÑÜ§¿äöñüà", .gsm7, 41, 1),
        ("Price: 5€", .gsm7, 10, 1),
        ("[]{}\\^~|€", .gsm7, 18, 1),
        ("Glückwunsch, Jürgen!", .gsm7, 20, 1),
        ("¡Felicidades! Canjea el vale", .gsm7, 28, 1),
        ("Código", .ucs2, 6, 1),
        ("it’s", .ucs2, 4, 1),
        ("Hi 😀", .ucs2, 5, 1),
        ("`", .ucs2, 1, 1),
        (String(repeating: "a", count: 160), .gsm7, 160, 1),
        (String(repeating: "a", count: 161), .gsm7, 161, 2),
        (String(repeating: "a", count: 306), .gsm7, 306, 2),
        (String(repeating: "a", count: 307), .gsm7, 307, 3),
        (String(repeating: "€", count: 80), .gsm7, 160, 1),
        (String(repeating: "€", count: 81), .gsm7, 162, 2),
        (String(repeating: "á", count: 70), .ucs2, 70, 1),
        (String(repeating: "á", count: 71), .ucs2, 71, 2),
        (String(repeating: "á", count: 134), .ucs2, 134, 2),
        (String(repeating: "á", count: 135), .ucs2, 135, 3),
    ])
    func table(text: String, encoding: SMSAnalysis.Encoding, units: Int, segments: Int) {
        let analysis = SMSAnalysis(text)
        #expect(analysis.encoding == encoding)
        #expect(analysis.units == units)
        #expect(analysis.segments == segments)
    }

    @Test("the GSM-7 fast path agrees with per-scalar costs and greedy part filling")
    func asciiFastPathMatchesTheRule() {
        // A fixed LCG: the same 300 texts every run, mixing basic, extension (2-septet) characters and CR LF.
        var seed: UInt64 = 0x5EED
        let alphabet = Array("abcXYZ019 .,!?@$_\r\n[]{}~^|\\€äöüÄÖÜßéñ")
        for _ in 0..<300 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let length = Int(seed >> 33) % 420
            var text = ""
            for _ in 0..<length {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                text.append(alphabet[Int(seed >> 33) % alphabet.count])
            }
            let costs = text.unicodeScalars.map { GSM7Alphabet.septets($0) ?? 0 }
            let units = costs.reduce(0, +)
            var parts = units == 0 ? 0 : 1
            if units > 160 {
                var used = 0
                for cost in costs {
                    if used + cost > 153 { parts += 1; used = 0 }
                    used += cost
                }
            }
            let analysis = SMSAnalysis(text)
            #expect(analysis.encoding == .gsm7)
            #expect(analysis.units == units, "\(text.debugDescription)")
            #expect(analysis.segments == parts, "\(text.debugDescription)")
        }
    }

    @Test("an escape pair is never split across parts")
    func escapePairNotSplit() {
        // Part 1 ends after 152 septets: the ESC pair of '€' would make it 154.
        let text = String(repeating: "a", count: 152) + "€" + String(repeating: "a", count: 152)
        let analysis = SMSAnalysis(text)
        #expect(analysis.units == 306)
        // Units fit in 2 × 153, but the pair cannot straddle: 3 parts.
        #expect(analysis.segments == 3)
    }

    @Test("a surrogate pair is never split across parts")
    func surrogatePairNotSplit() {
        let text = String(repeating: "á", count: 66) + "😀" + String(repeating: "á", count: 66)
        let analysis = SMSAnalysis(text)
        #expect(analysis.units == 134)
        #expect(analysis.segments == 3)
    }

    @Test("characters that force UCS-2 are reported with offsets")
    func offenders() {
        let analysis = SMSAnalysis("Código válido “ok”")
        #expect(analysis.encoding == .ucs2)
        #expect(analysis.nonGSMCharacters.map(\.character) == ["ó", "á", "“", "”"])
        #expect(analysis.nonGSMCharacters.map(\.offset) == [1, 8, 14, 17])
        #expect(SMSAnalysis("plain").nonGSMCharacters.isEmpty)
    }

    @Test("limits follow the encoding")
    func limits() {
        #expect(SMSAnalysis("a").singleLimit == 160)
        #expect(SMSAnalysis("a").partLimit == 153)
        #expect(SMSAnalysis("á").singleLimit == 70)
        #expect(SMSAnalysis("á").partLimit == 67)
    }
}
