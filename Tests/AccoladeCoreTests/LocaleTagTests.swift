import AccoladeCore
import Foundation
import Testing

@Suite("Locale tags, time zones and the bounded formatter cache")
struct LocaleTagTests {
    @Test("well-formed BCP 47 tags pass", arguments: [
        "en", "id", "id-ID", "id_ID", "de-DE", "es-419", "zh-Hant-TW", "sr-Latn-RS", "de-DE-1996", "zh-yue-HK",
        "de-DE-u-co-phonebk", "en-US-x-twain", "EN-us",
    ])
    func wellFormed(_ tag: String) {
        #expect(LocaleTag.isWellFormed(tag))
    }

    @Test("anything else is refused", arguments: [
        "", "e", "english", "en-", "-en", "en--US", "en US", "en\n", "en-US\n", "id-ID;drop", "en-a", "x-private",
        "i-klingon", "en-US-u", "ïd", "en-" + String(repeating: "a", count: 9), "../../etc", "en-US-x",
    ])
    func malformed(_ tag: String) {
        #expect(!LocaleTag.isWellFormed(tag))
    }

    @Test("time zones are IANA names Foundation knows")
    func timeZones() throws {
        for zone in [
            "Asia/Jakarta", "Europe/Berlin", "America/Argentina/Buenos_Aires", "UTC", "Asia/Kolkata", "Asia/Calcutta", "Asia/Kathmandu",
        ] {
            #expect(LocaleTag.isKnownTimeZone(zone), "\(zone)")
        }
        for zone in ["Mars/Olympus", "asia/jakarta", "asia/kolkata", "", "GMT+7", "UTC\n", "Asia/Jakarta ", "Asia/", "/Kolkata", "Asia/../Kolkata"] {
            #expect(!LocaleTag.isKnownTimeZone(zone), "\(zone)")
        }
        #expect(throws: ValidationError.self) { try LocaleTag.validateTimeZone("Mars/Olympus", field: "to.timezone") }
        do {
            try LocaleTag.validate("en\nUS", field: "to.locale")
            Issue.record("accepted a locale with a line break")
        } catch {
            #expect(error.field == "to.locale")
        }
    }

    @Test("the formatter cache keeps at most its capacity, dropping the least recently used")
    func boundedCache() throws {
        let cache = FormatterCache(capacity: 4)
        let keep = try #require(cache.formatter(locale: "en", timeZone: nil))
        for i in 0..<20 {
            _ = cache.formatter(locale: "en-x-t\(i)", timeZone: "UTC")
            // "en" stays in use, so it is never the least recently used.
            #expect(cache.formatter(locale: "en", timeZone: nil) === keep)
        }
        #expect(cache.count == 4)
        #expect(cache.formatter(locale: "en", timeZone: "Mars/Olympus") == nil)
        #expect(cache.count == 4)
    }
}
