import Foundation
import Testing
@testable import AccoladeCore

/// One locale per text: values are formatted in the locale of the text actually sent — the
/// WhatsApp template language sent, or the locale of the file a part fell back to — and
/// ``TemplateLibrary/locales(template:channel:locale:recipient:)`` says which that was.
@Suite("Template locale fallback")
struct TemplateLocaleFallbackTests {
    static let data: JSONValue = .object([
        "amount": .object(["amount": .double(1234.5), "currency": .string("EUR")]), "expires": .string("2026-12-31"),
        "count": .int(12345), "big": .object(["amount": .int(1_234_567), "currency": .string("INR")]),
    ])

    static func manifest(language: String) -> String {
        """
        description: x
        whatsapp:
          name: t1
          language: \(language)
          body: [amount, "{{date(expires)}}", count, big]

        """
    }

    static let cache = FormatterCache()

    /// What the formatter of `locale` writes for the four values of ``data``: money checked
    /// against Foundation itself, so the locale choice is what is tested.
    static func expected(_ locale: String) throws -> [String] {
        let formatter = try #require(cache.formatter(locale: locale, timeZone: nil))
        let foundation = Locale(identifier: locale.replacingOccurrences(of: "-", with: "_"))
        let euros = FloatingPointFormatStyle<Double>.Currency(code: "EUR", locale: foundation).format(1234.5)
        #expect(formatter.money(amount: 1234.5, currency: "EUR") == euros)
        return [euros, try #require(formatter.date("2026-12-31")), formatter.number(Int64(12345)),
                FloatingPointFormatStyle<Double>.Currency(code: "INR", locale: foundation).format(1_234_567)]
    }

    func template(_ library: TemplateLibrary, locale: String) throws -> WhatsAppTemplateMessage {
        let content = try library.render(template: "t", channel: .whatsapp, locale: locale, data: Self.data, recipient: Recipient(name: "Ana"))
        guard case .whatsappTemplate(let message, _) = content else { throw TemplateError(.syntax("not a template: \(content)")) }
        return message
    }

    @Test("a WhatsApp template that falls back to another language formats its parameters for the language sent", arguments: [
        ("es", "{ default: en_US, id: id }", "en_US", "en-US"),
        ("es-MX", "{ default: en_US, id: id }", "en_US", "en-US"),
        ("fr-FR", "{ default: en_US, id: id }", "en_US", "en-US"),
        ("de", "{ default: en_US, id: id }", "en_US", "en-US"),
        ("id", "{ default: pt_BR, de: de }", "pt_BR", "pt-BR"),
        ("en", "{ default: de, es: es }", "de", "de"),
        ("ja", "es_MX", "es_MX", "es-MX"),
    ])
    func whatsAppFallback(locale: String, language: String, code: String, used: String) throws {
        let fixture = try TemplateFixture(files: ["sms.txt.mustache": "x"], manifest: Self.manifest(language: language))
        defer { fixture.remove() }
        let library = try fixture.library()
        let message = try template(library, locale: locale)
        #expect(message.languageCode == code)
        #expect(message.body == (try Self.expected(used)), "\(locale) → \(code)")
        let locales = try library.locales(template: "t", channel: .whatsapp, locale: locale, recipient: Recipient())
        #expect(locales.used == used && locales.parts["whatsapp.template"] == used && locales.fellBack)
        #expect(locales.requested == TemplateLocale.canonical(locale))
    }

    @Test("a template language in the requested language keeps the requested region", arguments: [
        ("en-IN", "{ default: en_US }", "en-IN"), ("id-ID", "{ default: en_US, id: id }", "id-ID"),
        ("es-MX", "{ default: en_US, es: es }", "es-MX"), ("de-CH", "de", "de-CH"),
    ])
    func sameLanguage(locale: String, language: String, used: String) throws {
        let fixture = try TemplateFixture(files: ["sms.txt.mustache": "x"], manifest: Self.manifest(language: language))
        defer { fixture.remove() }
        let library = try fixture.library()
        #expect(try template(library, locale: locale).body == (try Self.expected(used)))
        let locales = try library.locales(template: "t", channel: .whatsapp, locale: locale, recipient: Recipient())
        #expect(locales.used == used && !locales.fellBack)
        if locale == "en-IN" { #expect(try template(library, locale: locale).body[3] == "₹12,34,567.00") }
    }

    static let partFiles = [
        "sms.txt.mustache": "{{amount}} | {{date(expires)}} | {{count}} | {{locale}}",
        "email.subject.mustache": "{{amount}} {{locale}}",
        "email.txt.mustache": "{{amount}} {{date(expires)}} {{locale}}",
        "email.html.mustache": "<p>{{amount}} {{date(expires)}} {{locale}}</p>",
        "id/email.subject.mustache": "{{amount}} {{locale}}",
        "de/sms.txt.mustache": "{{amount}} | {{date(expires)}} | {{count}} | {{locale}}",
    ]

    @Test("a part that falls back to another locale's file is formatted in that file's locale", arguments: [
        ("fr", "en"), ("es-MX", "en"), ("id", "en"), ("de-AT", "de-AT"), ("de", "de"), ("en-IN", "en-IN"), ("pt-BR", "en"),
    ])
    func smsFallback(locale: String, used: String) throws {
        let fixture = try TemplateFixture(files: Self.partFiles)
        defer { fixture.remove() }
        let library = try fixture.library()
        let values = try Self.expected(used).map(LocaleFormatter.plainSpaces)
        #expect(try renderSMS(library, Self.data, locale: locale).get() == "\(values[0]) | \(values[1]) | \(values[2]) | \(used)")
        let locales = try library.locales(template: "t", channel: .sms, locale: locale, recipient: Recipient())
        #expect(locales.used == used && locales.parts == ["sms.txt": used])
    }

    @Test("each email part is formatted in its own file's locale, and preview data says so")
    func mixedEmail() throws {
        let fixture = try TemplateFixture(files: Self.partFiles)
        defer { fixture.remove() }
        let library = try fixture.library()
        guard case .email(let email) = try library.render(template: "t", channel: .email, locale: "id-ID", data: Self.data, recipient: Recipient())
        else { Issue.record("not an email"); return }
        let indonesian = try Self.expected("id-ID")
        let english = try Self.expected("en")
        #expect(email.subject == "\(indonesian[0]) id-ID")
        #expect(email.text == "\(english[0]) \(english[1]) en")
        #expect(email.html == "<p>\(english[0]) \(english[1]) en</p>")
        let locales = try library.locales(template: "t", channel: .email, locale: "id-ID", recipient: Recipient())
        #expect(locales.parts == ["email.subject": "id-ID", "email.txt": "en", "email.html": "en"])
        #expect(locales.used == "en" && locales.requested == "id-ID" && locales.fellBack)
    }

    @Test("no-break spaces: kept in email and WhatsApp, plain in SMS so it stays GSM-7")
    func spacesPerChannel() throws {
        var files = Self.partFiles
        files["whatsapp.txt.mustache"] = "{{amount}}"
        files["de/whatsapp.txt.mustache"] = "{{amount}}"
        let fixture = try TemplateFixture(files: files, manifest: Self.manifest(language: "{ default: en_US, de: de }"))
        defer { fixture.remove() }
        let library = try fixture.library()
        let glued = "1.234,50\u{A0}€"
        let sms = try renderSMS(library, Self.data, locale: "de").get()
        #expect(sms.hasPrefix("1.234,50 € | "), "\(sms.debugDescription)")
        #expect(SMSAnalysis(sms).encoding == .gsm7)
        guard case .email(let email) = try library.render(template: "t", channel: .email, locale: "fr", data: Self.data, recipient: Recipient())
        else { Issue.record("not an email"); return }
        #expect(email.subject.hasPrefix("€1,234.50"))
        guard case .whatsappTemplate(let message, let text) = try library.render(
            template: "t", channel: .whatsapp, locale: "de", data: Self.data, recipient: Recipient())
        else { Issue.record("not a template"); return }
        #expect(message.body[0] == glued)
        #expect(text == glued)
        let fr = try #require(Self.cache.formatter(locale: "fr", timeZone: nil))
        #expect(fr.number(Int64(12345)) == "12\u{202F}345")
        #expect(LocaleFormatter.plainSpaces(fr.number(Int64(12345))) == "12 345")
    }

    @Test("the shipped templates: es falls back to the en_US voucher template in English formats")
    func shipped() throws {
        let library = try TemplateLibrary(directory: shippedTemplatesDirectory)
        for name in ["reward-voucher", "reward-earned"] {
            let info = try #require(library.info(name))
            var recipient = info.sample.recipient
            recipient.locale = "es"
            guard case .whatsappTemplate(let message, _) = try library.render(
                template: name, channel: .whatsapp, locale: nil, data: info.sample.data, recipient: recipient)
            else { Issue.record("\(name): not a template"); continue }
            let locales = try library.locales(template: name, channel: .whatsapp, locale: nil, recipient: recipient)
            let english = name == "reward-voucher"
            #expect(message.languageCode == (english ? "en_US" : "es"))
            #expect(locales.used == (english ? "en-US" : "es"))
            let money = english ? "IDR\u{A0}50,000" : "50.000\u{A0}IDR"
            let date = english ? "Dec 31, 2026" : "31 dic 2026"
            #expect(message.body.contains(money), "\(name): \(message.body)")
            #expect(message.body.contains(date), "\(name): \(message.body)")
        }
    }
}
