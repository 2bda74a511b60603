import Foundation
import Testing
@testable import AccoladeCore

/// Proves the hand-written number path writes exactly what Foundation writes, for many unique values.
@Suite("Fast number formatting matches Foundation")
struct FormattingFastPathTests {
    let cache = FormatterCache()

    /// Foundation's output (the reference): its format styles, built here independently of the
    /// code under test.
    final class Reference {
        let locale: Locale

        init(_ identifier: String) { locale = Locale(identifier: identifier.replacingOccurrences(of: "-", with: "_")) }

        func money(_ amount: Double, _ code: String) -> String {
            FloatingPointFormatStyle<Double>.Currency(code: code, locale: locale).format(amount)
        }

        func number(_ value: Double) -> String {
            FloatingPointFormatStyle<Double>(locale: locale).precision(.fractionLength(0...6)).format(value)
        }

        func number(_ value: Int64) -> String { IntegerFormatStyle<Int64>(locale: locale).format(value) }
    }

    /// Deterministic amounts: whole, with cents, with sub-cent ties, small and large.
    static func amounts(count: Int, seed: UInt64) -> [Double] {
        var state = seed
        var values: [Double] = [0, 0.01, 0.5, 1, 9.995, 10, 99.5, 1234.5, 1_234_567, 12_345.675, 999_999.995, 50_000, 50_000.5]
        for index in 0..<count {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let whole = Double((state >> 24) % 100_000_000_000)
            values.append(whole / [1, 10, 100, 1000, 1, 100, 100_000][index % 7])
        }
        return values
    }

    @Test("the four shipped locales use the fast path for money and numbers", arguments: ["en", "id", "es", "de", "id-ID"])
    func fastPathInUse(locale: String) throws {
        let formatter = try #require(cache.formatter(locale: locale, timeZone: nil))
        for code in ["IDR", "EUR", "USD", "JPY", "KWD"] {
            #expect(formatter.moneyLayout(currency: code) != nil, "\(locale) \(code)")
        }
        #expect(formatter.numberLayout != nil)
    }

    @Test("documented examples", arguments: [
        ("id", 1_234_567.0, "IDR", "Rp1.234.567"), ("de", 1234.5, "EUR", "1.234,50\u{A0}€"), ("en", 1234.5, "EUR", "€1,234.50"),
        ("es", 1234.5, "EUR", "1234,50\u{A0}€"), ("es", 12_345.5, "EUR", "12.345,50\u{A0}€"), ("en", 2.675, "USD", "$2.68"),
        ("en", 999.995, "USD", "$1,000.00"), ("id", 0.125, "IDR", "Rp0"), ("id", 0.5, "IDR", "Rp0"), ("id", 1.5, "IDR", "Rp2"),
    ])
    func examples(locale: String, amount: Double, currency: String, expected: String) throws {
        let formatter = try #require(cache.formatter(locale: locale, timeZone: nil))
        #expect(formatter.money(amount: amount, currency: currency) == expected)
        #expect(Reference(locale).money(amount, currency) == expected)
    }

    @Test("money equals Foundation for thousands of unique amounts", arguments: [
        "en", "id", "es", "de", "id-ID", "de-CH", "fr", "pt-BR", "en-IN", "ja", "ar-EG",
    ])
    func moneyMatchesICU(locale: String) throws {
        let formatter = try #require(cache.formatter(locale: locale, timeZone: nil))
        let reference = Reference(locale)
        for code in ["IDR", "EUR", "USD", "JPY", "CHF", "INR", "KWD"] {
            var mismatches = 0
            for amount in Self.amounts(count: 1500, seed: UInt64(code.hashValue & 0xFFFF) | 1) {
                let expected = reference.money(amount, code)
                let actual = formatter.money(amount: amount, currency: code)
                if actual != expected {
                    mismatches += 1
                    if mismatches <= 3 { Issue.record("\(locale) \(code) \(amount): \(actual) ≠ Foundation \(expected)") }
                }
            }
        }
    }

    @Test("numbers equal Foundation for unique values", arguments: ["en", "id", "es", "de", "en-IN", "fr", "ar-EG"])
    func numbersMatchICU(locale: String) throws {
        let formatter = try #require(cache.formatter(locale: locale, timeZone: nil))
        let reference = Reference(locale)
        for value in Self.amounts(count: 1500, seed: 42) {
            #expect(formatter.number(value) == reference.number(value), "\(locale) \(value)")
            let whole = Int64(value.rounded(.down))
            #expect(formatter.number(whole) == reference.number(whole), "\(locale) \(whole)")
            #expect(formatter.number(-whole) == reference.number(-whole), "\(locale) \(-whole)")
        }
        for value in [1e-7, 0.0000005, 0.00012345, -1234.5, 1e16, 123_456.123_456_5] {
            #expect(formatter.number(value) == reference.number(value), "\(locale) \(value)")
        }
    }

    @Test("negative and huge amounts still match Foundation")
    func outsideTheFastPath() throws {
        for locale in ["en", "id", "de", "es"] {
            let formatter = try #require(cache.formatter(locale: locale, timeZone: nil))
            let reference = Reference(locale)
            for amount in [-1234.5, -0.0, -50_000, 1e15, 1e18, 1.2345678901234568e17, 0.000_001] {
                #expect(formatter.money(amount: amount, currency: "EUR") == reference.money(amount, "EUR"), "\(locale) \(amount)")
                #expect(formatter.money(amount: amount, currency: "IDR") == reference.money(amount, "IDR"), "\(locale) \(amount)")
            }
        }
    }

    @Test("personalised renders show each unique amount exactly as Foundation formats it (plain spaces in SMS)")
    func personalisedRenders() throws {
        let library = try TemplateLibrary(directory: shippedTemplatesDirectory)
        let info = try #require(library.info("reward-earned"))
        let url = "https://rewards.example.com/r/RW-7Q2K"
        // The shipped SMS texts, with name, formatted amount and code left open.
        func sms(_ locale: String, _ name: String, _ amount: String, _ code: String) -> String {
            switch locale {
            case "en": return "Kudos Awards: Congrats \(name)! You earned a voucher worth \(amount). Code \(code), valid until Dec 31, 2026. Redeem: \(url)"
            case "id": return "Kudos Awards: Selamat \(name)! Anda mendapat voucher senilai \(amount). Kode \(code), berlaku s.d. 31 Des 2026. Tukarkan: \(url)"
            case "es": return "Kudos Awards: ¡Felicidades \(name)! Ganaste un vale por valor de \(amount). Usa \(code) hasta el 31 dic 2026. Canjea en \(url)"
            default: return "Kudos Awards: Glückwunsch \(name)! Sie haben einen Gutschein über \(amount) erhalten. Code \(code), gültig bis 31.12.2026. Einlösen: \(url)"
            }
        }
        let references = ["en": Reference("en"), "id": Reference("id"), "es": Reference("es"), "de": Reference("de")]
        for index in 0..<400 {
            let locale = ["en", "id", "es", "de"][index % 4]
            let (amount, currency): (Double, String) = index % 2 == 0
                ? (Double(1_234_567 + index * 977), "IDR") : (1234.5 + Double(index) * 0.37, "EUR")
            var recipient = info.sample.recipient
            recipient.locale = locale
            recipient.name = "Person \(index)"
            var data = try #require(info.sample.data.objectValue)
            var reward = try #require(data["reward"]?.objectValue)
            reward["voucher"] = .object(["amount": .double(amount), "currency": .string(currency)])
            reward["code"] = .string("RW-\(index)")
            data["reward"] = .object(reward)
            let expected = try #require(references[locale]).money(amount, currency)
            let text = sms(locale, "Person \(index)", LocaleFormatter.plainSpaces(expected), "RW-\(index)")
            let rendered = try library.render(template: "reward-earned", channel: .sms, locale: nil, data: .object(data), recipient: recipient)
            #expect(rendered == .sms(text: text))
            guard case .email(let email) = try library.render(
                template: "reward-earned", channel: .email, locale: nil, data: .object(data), recipient: recipient)
            else { Issue.record("not an email"); continue }
            #expect(email.text.contains(expected), "\(locale): \(expected)")
            #expect(email.html.contains(expected), "\(locale): \(expected)")
        }
    }
}

@Suite("Decimal digits round like Foundation's ICU")
struct FormattingDecimalDigitsTests {
    func rounded(_ value: Double, _ digits: Int) throws -> String {
        var decimal = try #require(DecimalDigits(value))
        decimal.round(toFractionDigits: digits)
        decimal.fitFraction(minimum: digits)
        return String(decoding: decimal.integer, as: UTF8.self) + "." + String(decoding: decimal.fraction, as: UTF8.self)
    }

    @Test("half-even on the shortest representation, with carries")
    func halfEven() throws {
        #expect(try rounded(0.125, 2) == "0.12")
        #expect(try rounded(0.375, 2) == "0.38")
        #expect(try rounded(2.675, 2) == "2.68")
        #expect(try rounded(999.995, 2) == "1000.00")
        #expect(try rounded(0.5, 0) == "0.")
        #expect(try rounded(1.5, 0) == "2.")
        #expect(try rounded(12.3451, 2) == "12.35")
    }

    @Test("exponent forms and negatives are left to ICU")
    func declines() {
        #expect(DecimalDigits(1e-7) == nil)
        #expect(DecimalDigits(-1) == nil)
        #expect(DecimalDigits(1e15) == nil)
        #expect(DecimalDigits(.nan) == nil)
    }
}
