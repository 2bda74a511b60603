import Foundation
import Testing
@testable import AccoladeCore

@Suite("Locale formatting")
struct FormattingTests {
    let cache = FormatterCache()

    func formatter(_ locale: String, _ zone: String? = nil) throws -> LocaleFormatter {
        try #require(cache.formatter(locale: locale, timeZone: zone))
    }

    @Test("money per locale", arguments: [
        ("id", 50000.0, "IDR", "Rp50.000"),
        ("id-ID", 50000.0, "IDR", "Rp50.000"),
        ("de", 50.0, "EUR", "50,00\u{A0}€"),
        ("en", 50.0, "USD", "$50.00"),
        ("es", 50.0, "EUR", "50,00\u{A0}€"),
        ("en", 1200.0, "JPY", "¥1,200"),
        ("en", 12.5, "USD", "$12.50"),
        ("id", 50000.5, "IDR", "Rp50.000"),
        ("id", 50001.5, "IDR", "Rp50.002"),
        ("en", 12.5, "KWD", "KWD\u{A0}12.500"),
    ])
    func money(locale: String, amount: Double, currency: String, expected: String) throws {
        #expect(try formatter(locale).money(amount: amount, currency: currency) == expected)
    }

    @Test("money keeps Foundation's no-break spaces; plainSpaces removes them for SMS")
    func noBreakSpaces() throws {
        for (locale, currency) in [("de", "EUR"), ("es", "USD"), ("en", "IDR"), ("fr", "EUR")] {
            let text = try formatter(locale).money(amount: 1234.5, currency: currency)
            #expect(text.unicodeScalars.contains { $0 == "\u{00A0}" || $0 == "\u{202F}" }, "\(locale): \(text)")
            let plain = LocaleFormatter.plainSpaces(text)
            #expect(!plain.unicodeScalars.contains { $0 == "\u{00A0}" || $0 == "\u{202F}" }, "\(locale): \(plain)")
            #expect(plain.unicodeScalars.count == text.unicodeScalars.count)
        }
        #expect(try formatter("fr").money(amount: 1234.5, currency: "EUR") == "1\u{202F}234,50\u{A0}€")
    }

    @Test("numbers are grouped per locale", arguments: [
        ("id", Int64(1250), "1.250"), ("de", 1250, "1.250"), ("en", 1250, "1,250"), ("es", 12500, "12.500"),
        ("en", 7, "7"),
    ])
    func numbers(locale: String, value: Int64, expected: String) throws {
        #expect(try formatter(locale).number(value) == expected)
    }

    @Test("decimal numbers keep their fraction")
    func decimals() throws {
        #expect(try formatter("de").number(1250.5) == "1.250,5")
        #expect(try formatter("en").number(1250.5) == "1,250.5")
    }

    @Test("dates in medium style", arguments: [
        ("id", "31 Des 2026"), ("de", "31.12.2026"), ("en", "Dec 31, 2026"), ("es", "31 dic 2026"),
    ])
    func dates(locale: String, expected: String) throws {
        #expect(try formatter(locale).date("2026-12-31") == expected)
    }

    @Test("a calendar date is the same day in every time zone")
    func calendarDay() throws {
        #expect(try formatter("en", "Pacific/Honolulu").date("2026-12-31") == "Dec 31, 2026")
        #expect(try formatter("en", "Pacific/Kiritimati").date("2026-12-31") == "Dec 31, 2026")
    }

    @Test("an instant is shown in the recipient's time zone")
    func instants() throws {
        #expect(try formatter("en", "UTC").date("2026-12-31T20:00:00Z") == "Dec 31, 2026")
        #expect(try formatter("id", "Asia/Jakarta").date("2026-12-31T20:00:00Z") == "1 Jan 2027")
        #expect(try formatter("en", "America/New_York").date("2027-01-01T02:00:00+00:00") == "Dec 31, 2026")
        #expect(try formatter("de", "Europe/Berlin").dateTime("2026-12-31T17:30:00Z") == "31.12.2026, 18:30")
        #expect(try formatter("en", "UTC").dateTime("2026-12-31T17:30:00.250Z") == "Dec 31, 2026 at 5:30\u{202F}PM")
    }

    @Test("malformed dates are rejected", arguments: [
        "2026-13-01", "2026-02-30", "31/12/2026", "2026-12-31T10:00", "2026-12-31T25:00Z", "tomorrow", "",
    ])
    func malformed(text: String) throws {
        #expect(try formatter("en").date(text) == nil)
    }

    @Test("unknown time zones are reported")
    func unknownZone() {
        #expect(cache.formatter(locale: "en", timeZone: "Mars/Olympus_Mons") == nil)
    }

    @Test("money objects are recognised strictly")
    func moneyObjects() {
        #expect(Money(["amount": .int(5), "currency": .string("EUR")]) == Money(amount: 5, currency: "EUR"))
        #expect(Money(["amount": .int(5), "currency": .string("eur")]) == nil)
        #expect(Money(["amount": .string("5"), "currency": .string("EUR")]) == nil)
        #expect(Money(["amount": .int(5), "currency": .string("EUR"), "note": .null]) == nil)
    }
}
