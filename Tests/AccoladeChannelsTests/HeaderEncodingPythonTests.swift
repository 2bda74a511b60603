import AccoladeChannels
import AccoladeTestSupport
import Foundation
import Testing

/// Long display names and subjects in encoded-words, read back by Python's two email parsers
/// (`scripts/test-servers/email_header_decode.py` under Debian's /usr/bin/python3): exact under
/// RFC 2047 decoding, and no word cut in two by `email.policy.default`, which keeps the
/// whitespace between adjacent encoded-words.
@Suite("Email headers: encoded-words as Python reads them")
struct HeaderEncodingPythonTests {
    /// Realistic long names: every word fits one encoded-word, so every break must be at a space.
    static let names = [
        "Maximilian-Alexander Großmann-Schönefeld von Württemberg-Hohenzollern",
        "Zoë Françoise Élisabeth-Marguerite d’Harcourt de Saint-Exupéry",
        "Александра Викторовна Преображенская",
        "Константин Константинович Преображенский-Бельский",
        "Ярослава Святославовна Новодворская Преображенская",
        "عبد الرحمن بن محمد بن عبد الله الهاشمي القرشي",
        "مُحَمَّد عَبْد الرَّحْمٰن الْهَاشِمِيّ الْقُرَشِيّ الْأَنْصَارِيّ",
    ]

    static let subjects = [
        "Herzlichen Glückwunsch, Jürgen! Ihr Gutschein über 50,00 € für die Weihnachtsfeier ist jetzt verfügbar und wartet auf Sie",
        "Félicitations, Zoë ! Votre bon d’achat de 50,00 € est disponible — à utiliser avant le 31 décembre",
        "Поздравляем, Александра Преображенская! Ваш подарочный сертификат на 5 000 ₽ уже доступен в личном кабинете",
        "Константин, благодарим за участие в программе признания сотрудников: начислено 1 250 баллов 🎉",
        "تهانينا يا عبد الرحمن! قسيمتك بقيمة ٥٠ دولارًا متاحة الآن في حسابك الشخصي حتى نهاية الشهر",
        "Selamat, Ana Putri Wijayakusuma! Voucher Rp 50.000 untuk Anda 🎁 berlaku sampai 31 Desember 2026",
    ]

    /// Text without spaces: a break is unavoidable, but never inside a character.
    static let unspaced = [
        "山田太郎様へ特別なご褒美のお知らせ：ポイントが付与されました。ご確認ください。今後ともよろしくお願いいたします。",
        "恭喜您获得年度优秀员工奖励请在个人中心查看您的电子礼品卡并于年底前使用完毕谢谢",
        String(repeating: "👨‍👩‍👧‍👦🇮🇩", count: 12),
        String(repeating: "क्षत्रिय", count: 14),
    ]

    struct Decoded: Decodable {
        var rfc2047: String
        var `default`: String
        var address: String?
        var default_address: String?
    }

    /// Runs the Python decoder over `headers` (one process for all).
    static func decode(_ headers: [String]) throws -> [Decoded] {
        let script = TestServer.repositoryRoot.appendingPathComponent("scripts/test-servers/email_header_decode.py").path
        let run = try runFilter("/usr/bin/python3", [script], input: try JSONSerialization.data(withJSONObject: headers.map { ["header": $0] }))
        try #require(run.status == 0, "email_header_decode.py failed: \(run.stderr)")
        let data = run.stdout
        return try JSONDecoder().decode([Decoded].self, from: data)
    }

    static func collapsed(_ text: String) -> String {
        text.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }

    /// The encoded-words of a header line, decoded one by one.
    static func pieces(_ header: String) -> [String] {
        header.split(whereSeparator: { $0 == " " || $0 == "\r\n" }).filter { $0.hasPrefix("=?UTF-8?B?") }.map { word in
            let payload = String(word.dropFirst(10).dropLast(2))
            return String(validating: Array(Data(base64Encoded: payload) ?? Data()), as: UTF8.self) ?? "\u{FFFD}invalid UTF-8"
        }
    }

    /// Lines ≤ 76 (RFC 2047), words ≤ 75, pieces valid UTF-8 that split `text` only between
    /// characters (each piece's characters add up to the text's: a split cluster counts twice).
    static func checkShape(_ header: String, _ text: String) {
        for line in header.components(separatedBy: "\r\n") {
            #expect(line.utf8.count <= 76, "line too long (\(line.utf8.count)): \(line)")
        }
        let pieces = pieces(header)
        #expect(pieces.joined() == text, "\(header)")
        #expect(pieces.map(\.count).reduce(0, +) == text.count, "a character split between encoded-words: \(pieces)")
        for word in header.split(whereSeparator: { $0 == " " || $0 == "\r\n" }) where word.hasPrefix("=?") {
            #expect(word.utf8.count <= 75)
        }
    }

    @Test("long names (From, To, Reply-To) and subjects in Latin, Cyrillic, Arabic: exact under RFC 2047, whole words under policy.default")
    func spacedTexts() throws {
        var headers: [String] = []
        var texts: [String] = []
        for name in Self.names {
            for field in ["From", "To", "Reply-To"] {
                headers.append(HeaderEncoding.mailbox(name: field, try EmailAddress(address: "ana.putri@example.com", displayName: name)))
                texts.append(name)
            }
        }
        for subject in Self.subjects + Self.names {
            headers.append(HeaderEncoding.unstructured(name: "Subject", value: subject))
            texts.append(subject)
        }
        let decoded = try Self.decode(headers)
        try #require(decoded.count == headers.count)
        for (index, header) in headers.enumerated() {
            let text = texts[index]
            Self.checkShape(header, text)
            // Every break falls after a space (each word here fits one encoded-word).
            for piece in Self.pieces(header).dropLast() {
                #expect(piece.hasSuffix(" "), "a break inside a word: \(Self.pieces(header))")
            }
            #expect(decoded[index].rfc2047 == text, "decode_header: \(header)")
            #expect(Self.collapsed(decoded[index].default) == Self.collapsed(text), "policy.default: \(decoded[index].default) for \(header)")
            if let address = decoded[index].address {
                #expect(address == "ana.putri@example.com" && decoded[index].default_address == address)
            }
        }
    }

    @Test("text without spaces (CJK, emoji sequences, Devanagari clusters) breaks only between characters")
    func unspacedTexts() throws {
        var headers: [String] = []
        var texts: [String] = []
        for text in Self.unspaced {
            headers.append(HeaderEncoding.unstructured(name: "Subject", value: text))
            headers.append(HeaderEncoding.mailbox(name: "To", try EmailAddress(address: "yamada@example.jp", displayName: text)))
            texts += [text, text]
        }
        let decoded = try Self.decode(headers)
        for (index, header) in headers.enumerated() {
            Self.checkShape(header, texts[index])
            #expect(Self.pieces(header).count > 1, "expected a long text: \(header)")
            #expect(decoded[index].rfc2047 == texts[index], "decode_header: \(header)")
        }
    }

    @Test("runs of spaces and a word longer than an encoded-word keep their text")
    func edges() throws {
        let texts = [
            "Ana   Putri  " + String(repeating: "Преображенская", count: 4) + "  Иванова ",
            "  leading spaces and Ünïcödé",
            String(repeating: "Ä", count: 200),
        ]
        let headers = texts.map { HeaderEncoding.unstructured(name: "Subject", value: $0) }
        let decoded = try Self.decode(headers)
        for (index, header) in headers.enumerated() {
            Self.checkShape(header, texts[index])
            #expect(decoded[index].rfc2047 == texts[index], "decode_header: \(header)")
        }
    }
}
