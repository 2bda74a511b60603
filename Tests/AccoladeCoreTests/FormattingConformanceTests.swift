import Foundation
import Testing
@testable import AccoladeCore

/// Money and numbers are exactly what Foundation's format styles write on this toolchain (the
/// reference, see ``LocaleFormatter``): every ISO currency Foundation knows, in every shipped
/// locale and a spread of others, for amounts that exercise digits, rounding, signs and size.
@Suite("Money and numbers conform to Foundation's format styles")
struct FormattingConformanceTests {
    /// Every currency code Foundation knows, current and historic.
    static let currencies: [String] = Set(Locale.commonISOCurrencyCodes)
        .union(Locale.Currency.isoCurrencies.map(\.identifier)).sorted()

    /// The locales the shipped templates and their WhatsApp mappings use (folders, default,
    /// `en_US`), then regional and script variants with other separators, grouping, digits and
    /// symbol placement.
    static let shippedLocales: [String] = {
        var shipped: Set<String> = []
        if let library = try? TemplateLibrary(directory: shippedTemplatesDirectory) {
            for info in library.infos {
                shipped.formUnion(info.locales)
                shipped.formUnion(info.manifest.whatsappMapping?.languages.values.map { TemplateLocale.canonical($0) } ?? [])
            }
        }
        return shipped.sorted()
    }()

    static let locales: [String] = {
        let shipped = Set(shippedLocales)
        let others = [
            "en-US", "en-GB", "en-IN", "id-ID", "de-DE", "de-CH", "de-AT", "es-ES", "es-MX", "es-419", "fr-FR", "fr-CH",
            "pt-BR", "pt-PT", "it-IT", "nl-NL", "pl-PL", "sv-SE", "ja-JP", "zh-Hans-CN", "ko-KR", "hi-IN", "ar-EG", "ar-AE",
            "th-TH", "tr-TR", "ru-RU", "vi-VN",
        ]
        return shippedLocales + others.filter { !shipped.contains($0) }
    }()

    /// Zero, halves and ties at 0–4 fraction digits, carries, negatives (and negative zero),
    /// and amounts at and beyond the hand-written path's 10^15 limit.
    static let amounts: [Double] = [
        0, -0.0, 0.5, 1.5, 2.5, 0.125, 0.375, 2.675, 0.0005, 0.0015, 1.00005, 9.995, 999.9995, 1, 7, 50000, 1234.5,
        1_234_567, 12_345_678.9, 1_234_567.891, 999_999_999_999.995, 123_456_789_012_345, -0.5, -1.5, -1234.5,
        -1_234_567.125, -0.001, 1e15, 1.5e17, 0.000001,
    ]

    static let cache = FormatterCache()

    @Test("every ISO currency × locale × amount equals FloatingPointFormatStyle.Currency", arguments: locales)
    func money(locale: String) throws {
        let formatter = try #require(Self.cache.formatter(locale: locale, timeZone: nil))
        let foundationLocale = Locale(identifier: locale.replacingOccurrences(of: "-", with: "_"))
        var mismatches = 0
        for code in Self.currencies {
            let reference = FloatingPointFormatStyle<Double>.Currency(code: code, locale: foundationLocale)
            for amount in Self.amounts {
                let expected = reference.format(amount)
                let actual = formatter.money(amount: amount, currency: code)
                if actual != expected {
                    mismatches += 1
                    if mismatches <= 5 { Issue.record("\(locale) \(code) \(amount): \(actual.debugDescription) ≠ Foundation \(expected.debugDescription)") }
                }
            }
        }
        #expect(mismatches == 0, "\(locale): \(mismatches) mismatches")
    }

    @Test("plain numbers equal FloatingPointFormatStyle and IntegerFormatStyle", arguments: locales)
    func numbers(locale: String) throws {
        let formatter = try #require(Self.cache.formatter(locale: locale, timeZone: nil))
        let foundationLocale = Locale(identifier: locale.replacingOccurrences(of: "-", with: "_"))
        let decimal = FloatingPointFormatStyle<Double>(locale: foundationLocale).precision(.fractionLength(0...6))
        let integer = IntegerFormatStyle<Int64>(locale: foundationLocale)
        for value in Self.amounts + [1e-7, 0.0000005, 123_456.123_456_5, 1e16] {
            #expect(formatter.number(value) == decimal.format(value), "\(locale) \(value)")
        }
        for value: Int64 in [0, 7, 1234, 12_345, 1_234_567, -1_234_567, 999_999_999_999_999, 1_000_000_000_000_000, .max, .min] {
            #expect(formatter.number(value) == integer.format(value), "\(locale) \(value)")
        }
    }

    @Test("fraction digits come from the currency, not the amount", arguments: [
        ("KWD", 3), ("BHD", 3), ("TND", 3), ("JPY", 0), ("KRW", 0), ("EUR", 2), ("USD", 2), ("CLF", 4),
    ])
    func digits(code: String, digits: Int) {
        #expect(CurrencyDigits.of(code) == digits)
    }

    @Test("the issue's examples, and half-even rounding", arguments: [
        ("en", 0.5, "KWD", "KWD\u{A0}0.500"), ("en", 1_234_567.5, "JPY", "¥1,234,568"), ("en", 1_234_566.5, "JPY", "¥1,234,566"),
        ("en-IN", 1_234_567, "INR", "₹12,34,567.00"), ("en", 0.125, "USD", "$0.12"), ("en", 0.375, "USD", "$0.38"),
        ("en", 2.5, "JPY", "¥2"), ("en", 3.5, "JPY", "¥4"), ("de", 1234.5, "EUR", "1.234,50\u{A0}€"), ("id", 50000, "IDR", "Rp50.000"),
        ("en", -1234.5, "USD", "-$1,234.50"), ("en", 0.0005, "KWD", "KWD\u{A0}0.000"), ("en", 0.0015, "KWD", "KWD\u{A0}0.002"),
    ])
    func examples(locale: String, amount: Double, code: String, expected: String) throws {
        let formatter = try #require(Self.cache.formatter(locale: locale, timeZone: nil))
        #expect(formatter.money(amount: amount, currency: code) == expected)
    }

    @Test("the shipped locales stay on the fast path for the currencies rewards use", arguments: shippedLocales + ["en-IN", "id-ID", "de-DE", "es-MX"])
    func fastPath(locale: String) throws {
        let formatter = try #require(Self.cache.formatter(locale: locale, timeZone: nil))
        for code in ["IDR", "EUR", "USD", "JPY", "KWD", "INR", "GBP", "CHF"] {
            #expect(formatter.moneyLayout(currency: code) != nil, "\(locale) \(code)")
        }
        #expect(formatter.numberLayout != nil, "\(locale)")
    }
}
