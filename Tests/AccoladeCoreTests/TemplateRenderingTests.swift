import Foundation
import Testing
@testable import AccoladeCore

@Suite("Template rendering")
struct TemplateRenderingTests {
    @Test("a missing variable names template, file, line and variable")
    func missingVariable() throws {
        let fixture = try TemplateFixture(files: ["sms.txt.mustache": "Hi {{name}}\nYour code: {{reward.code}}\n"])
        defer { fixture.remove() }
        let result = renderSMS(try fixture.library(), json(#"{"name": "Ana", "reward": {}}"#))
        guard case .failure(let error) = result else { Issue.record("rendered \(result)"); return }
        #expect(error.kind == .missingVariable("reward.code"))
        #expect(error.line == 2)
        #expect(error.description == #"t/sms.txt.mustache:2: missing variable "reward.code" — add it to data"#)
    }

    @Test("the error names the locale file that was used")
    func missingInLocaleFile() throws {
        let fixture = try TemplateFixture(files: [
            "sms.txt.mustache": "Hi {{name}}\n",
            "id/sms.txt.mustache": "Halo {{name}}\n\nKode {{code}}\n",
        ])
        defer { fixture.remove() }
        let result = renderSMS(try fixture.library(), json(#"{"name": "Ana"}"#), locale: "id-ID")
        guard case .failure(let error) = result else { Issue.record("rendered \(result)"); return }
        #expect(error.description == #"t/id/sms.txt.mustache:3: missing variable "code" — add it to data"#)
    }

    @Test("null counts as missing; empty strings are present")
    func nullIsMissing() throws {
        let fixture = try TemplateFixture(files: ["sms.txt.mustache": "[{{name}}]"])
        defer { fixture.remove() }
        let library = try fixture.library()
        #expect(throws: TemplateError.self) { try renderSMS(library, json(#"{"name": null}"#)).get() }
        #expect(try renderSMS(library, json(#"{"name": ""}"#)).get() == "[]")
    }

    @Test("variables in sections resolve against the item, then outer contexts")
    func nestedSections() throws {
        let fixture = try TemplateFixture(files: [
            "sms.txt.mustache": "{{#items}}{{label}} by {{owner}}; {{/items}}{{#reward}}{{code}}/{{program}}{{/reward}}"
        ])
        defer { fixture.remove() }
        let library = try fixture.library()
        let ok = json(#"{"owner": "Budi", "program": "Kudos", "items": [{"label": "A"}, {"label": "B", "owner": "Sari"}], "reward": {"code": "X1"}}"#)
        #expect(try renderSMS(library, ok).get() == "A by Budi; B by Sari; X1/Kudos")

        // The second item lacks `label` and nothing outer has it.
        let bad = json(#"{"owner": "Budi", "program": "K", "items": [{"label": "A"}, {}], "reward": {"code": "X"}}"#)
        guard case .failure(let error) = renderSMS(library, bad) else { Issue.record("rendered"); return }
        #expect(error.kind == .missingVariable("label"))
        #expect(error.line == 1)
    }

    @Test("sections that do not render require nothing; guarded variables are optional")
    func optionalGuarded() throws {
        let fixture = try TemplateFixture(files: [
            "sms.txt.mustache": "Hi.{{#voucher}} Voucher {{voucher}} {{code}}.{{/voucher}}{{^note}} No note.{{/note}}{{^voucher}}{{voucher}}{{/voucher}}"
        ])
        defer { fixture.remove() }
        let library = try fixture.library()
        #expect(try renderSMS(library, json("{}")).get() == "Hi. No note.")
        #expect(try renderSMS(library, json(#"{"note": "x"}"#)).get() == "Hi.")
        #expect(try renderSMS(library, json(#"{"voucher": "V1", "code": "C"}"#)).get() == "Hi. Voucher V1 C. No note.")
        // Entering the section makes its inner variables required.
        #expect(throws: TemplateError.self) { try renderSMS(library, json(#"{"voucher": "V1"}"#)).get() }
    }

    @Test("manifest required variables must be present even if unused")
    func manifestRequired() throws {
        let fixture = try TemplateFixture(
            files: ["sms.txt.mustache": "Hi {{name}}"],
            manifest: "description: T\nvariables:\n  required:\n    - name\n    - reward.code\n")
        defer { fixture.remove() }
        guard case .failure(let error) = renderSMS(try fixture.library(), json(#"{"name": "Ana"}"#)) else {
            Issue.record("rendered"); return
        }
        #expect(error.kind == .missingVariable("reward.code"))
        #expect(error.description == #"t/manifest.yml:5: missing variable "reward.code" — add it to data"#)
    }

    @Test("recipient and locale are in the context")
    func recipientContext() throws {
        let fixture = try TemplateFixture(files: ["sms.txt.mustache": "{{recipient.name}} {{recipient.phone}} {{locale}}"])
        defer { fixture.remove() }
        let library = try fixture.library()
        let recipient = Recipient(name: "Ana", phone: "+62812", locale: "en_GB")
        #expect(try renderSMS(library, json("{}"), recipient: recipient).get() == "Ana +62812 en-GB")
        // `locale` is the locale of the text sent: an id-ID recipient gets the English default file.
        let indonesian = Recipient(name: "Ana", phone: "+62812", locale: "id_ID")
        #expect(try renderSMS(library, json("{}"), recipient: indonesian).get() == "Ana +62812 en")
        guard case .failure(let error) = renderSMS(library, json("{}"), recipient: Recipient(name: "Ana")) else {
            Issue.record("rendered"); return
        }
        #expect(error.description.contains(#"missing variable "recipient.phone" — set recipient.phone on the recipient"#))
    }

    @Test("locale fallback: id-ID → id → default, case-insensitive, _ = -")
    func localeFallback() throws {
        let fixture = try TemplateFixture(files: [
            "sms.txt.mustache": "default",
            "id/sms.txt.mustache": "id",
            "pt_br/sms.txt.mustache": "pt-BR",
        ])
        defer { fixture.remove() }
        let library = try fixture.library()
        #expect(try renderSMS(library, json("{}"), locale: "id-ID").get() == "id")
        #expect(try renderSMS(library, json("{}"), locale: "ID").get() == "id")
        #expect(try renderSMS(library, json("{}"), locale: "pt-BR").get() == "pt-BR")
        #expect(try renderSMS(library, json("{}"), locale: "pt_br").get() == "pt-BR")
        #expect(try renderSMS(library, json("{}"), locale: "pt").get() == "default")
        #expect(try renderSMS(library, json("{}"), locale: nil).get() == "default")
        // The recipient's locale wins over the message's.
        #expect(try renderSMS(library, json("{}"), locale: "fr", recipient: Recipient(locale: "id")).get() == "id")
        #expect(library.info("t")?.locales == ["en", "id", "pt-BR"])
    }

    @Test("HTML parts escape values; text parts do not")
    func escaping() throws {
        let fixture = try TemplateFixture(files: [
            "email.subject.mustache": "Hi {{name}}\n",
            "email.txt.mustache": "Hi {{name}}",
            "email.html.mustache": "<p>Hi {{name}}</p>",
            "sms.txt.mustache": "Hi {{name}}",
        ])
        defer { fixture.remove() }
        let library = try fixture.library()
        let data = json(#"{"name": "<b>Tom & \"Jerry\"</b>'s"}"#)
        let rendered = try library.render(template: "t", channel: .email, locale: nil, data: data, recipient: Recipient())
        guard case .email(let email) = rendered else { Issue.record("not email"); return }
        #expect(email.html == "<p>Hi &lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;&#39;s</p>")
        #expect(email.text == #"Hi <b>Tom & "Jerry"</b>'s"#)
        #expect(email.subject == #"Hi <b>Tom & "Jerry"</b>'s"#)
        #expect(try renderSMS(library, data).get() == #"Hi <b>Tom & "Jerry"</b>'s"#)
    }

    @Test("unescaped tags are forbidden in HTML parts", arguments: ["<p>{{{name}}}</p>", "<p>\n{{& name}}</p>"])
    func tripleMustacheForbidden(source: String) throws {
        let fixture = try TemplateFixture(files: [
            "email.subject.mustache": "s", "email.txt.mustache": "t", "email.html.mustache": source,
        ])
        defer { fixture.remove() }
        let error = try #require(fixture.loadError())
        #expect(error.file == "email.html.mustache")
        #expect(error.line == (source.contains("\n") ? 2 : 1))
        #expect(error.description.contains("escaped"))
    }

    @Test("a multi-line subject is an error")
    func multilineSubject() throws {
        let fixture = try TemplateFixture(files: [
            "email.subject.mustache": "Hi {{name}}\n", "email.txt.mustache": "t", "email.html.mustache": "h",
        ])
        defer { fixture.remove() }
        #expect(throws: TemplateError(.multilineSubject, template: "t", file: "email.subject.mustache")) {
            try fixture.library().render(template: "t", channel: .email, locale: nil, data: json(#"{"name": "A\nB"}"#), recipient: Recipient())
        }
    }

    @Test("syntax errors name file and line", arguments: [
        ("line one\nline two {{#open}}\nno close\n", 2),
        ("ok\n{{#a}}x{{/b}}\n", 2),
        ("a\nb\n{{name\n", 3),
    ])
    func syntaxErrors(source: String, line: Int) throws {
        let fixture = try TemplateFixture(files: ["sms.txt.mustache": source])
        defer { fixture.remove() }
        let error = try #require(fixture.loadError())
        #expect(error.file == "sms.txt.mustache")
        #expect(error.line == line, "\(error)")
        if case .syntax = error.kind {} else { Issue.record("not a syntax error: \(error)") }
    }

    @Test("unsupported tags and transforms are load errors", arguments: [
        "{{> partial}}", "{{=<% %>=}}", "{{% CONTENT_TYPE: TEXT}}", "{{reversed(name)}}", "{{#date(x)}}y{{/date(x)}}",
    ])
    func unsupported(source: String) throws {
        let fixture = try TemplateFixture(files: ["sms.txt.mustache": source])
        defer { fixture.remove() }
        #expect(fixture.loadError() != nil)
    }

    @Test("money, numbers, dates and transforms render per locale")
    func values() throws {
        let fixture = try TemplateFixture(files: [
            "sms.txt.mustache": "{{price}} | {{price.amount}} {{price.currency}} | {{count}} | {{date(on)}} | {{uppercased(code)}}",
            "id/sms.txt.mustache": "{{price}} | {{count}} | {{date(on)}}",
            "de/sms.txt.mustache": "{{price}} | {{count}} | {{date(on)}} | {{datetime(at)}}",
        ])
        defer { fixture.remove() }
        let library = try fixture.library()
        let idr = json(#"{"price": {"amount": 50000, "currency": "IDR"}, "count": 1250, "on": "2026-12-31", "code": "rw-7q2k", "at": "2026-12-31T17:30:00Z"}"#)
        #expect(try renderSMS(library, idr, locale: "id-ID").get() == "Rp50.000 | 1.250 | 31 Des 2026")
        #expect(try renderSMS(library, idr, locale: "en").get() == "IDR 50,000 | 50000 IDR | 1,250 | Dec 31, 2026 | RW-7Q2K")
        let eur = json(#"{"price": {"amount": 50, "currency": "EUR"}, "count": 1250, "on": "2026-12-31", "at": "2026-12-31T17:30:00Z"}"#)
        let berlin = Recipient(timezone: "Europe/Berlin")
        #expect(try renderSMS(library, eur, locale: "de", recipient: berlin).get() == "50,00 € | 1.250 | 31.12.2026 | 31.12.2026, 18:30")
        let usd = json(#"{"price": {"amount": 50, "currency": "USD"}, "count": 1250, "on": "2026-12-31", "code": "x"}"#)
        #expect(try renderSMS(library, usd, locale: "en-US").get() == "$50.00 | 50 USD | 1,250 | Dec 31, 2026 | X")
        // An English fallback file formats in English, not in the requested language.
        #expect(try renderSMS(library, usd, locale: "fr").get() == "$50.00 | 50 USD | 1,250 | Dec 31, 2026 | X")
    }

    @Test("bad values are reported")
    func badValues() throws {
        let fixture = try TemplateFixture(files: ["sms.txt.mustache": "{{date(on)}} {{obj}}"])
        defer { fixture.remove() }
        let library = try fixture.library()
        guard case .failure(let dateError) = renderSMS(library, json(#"{"on": "31/12/2026", "obj": 1}"#)) else {
            Issue.record("rendered"); return
        }
        #expect(dateError.kind == .notADate("on"))
        guard case .failure(let objectError) = renderSMS(library, json(#"{"on": "2026-12-31", "obj": {"a": 1}}"#)) else {
            Issue.record("rendered"); return
        }
        #expect(objectError.kind == .notAValue("obj"))
        guard case .failure(let zoneError) = renderSMS(library, json(#"{"on": "2026-12-31", "obj": 1}"#), recipient: Recipient(timezone: "Nowhere/City")) else {
            Issue.record("rendered"); return
        }
        #expect(zoneError.kind == .unknownTimeZone("Nowhere/City"))
    }

    @Test("unknown manifest keys name the key path")
    func manifestUnknownKeys() throws {
        for (manifest, path) in [
            ("description: x\nchanel: [sms]\n", "\"chanel\""),
            ("description: x\nvariables:\n  requird: [a]\n", "\"variables.requird\""),
        ] {
            let fixture = try TemplateFixture(files: ["sms.txt.mustache": "x"], manifest: manifest)
            defer { fixture.remove() }
            let error = try #require(fixture.loadError())
            #expect(error.file == "manifest.yml")
            #expect(error.description.contains(path), "\(error)")
        }
    }

    @Test("manifest channels must match the files; whatsapp mapping is accepted")
    func manifestChannels() throws {
        let listedMissing = try TemplateFixture(files: ["sms.txt.mustache": "x"], manifest: "description: x\nchannels: [sms, email]\n")
        defer { listedMissing.remove() }
        #expect(listedMissing.loadError()?.description.contains("channels lists email") == true)

        let whatsapp = try TemplateFixture(
            files: ["sms.txt.mustache": "x", "qr.txt.mustache": "https://x.example/{{name}}"],
            manifest: "description: x\nchannels: [sms, whatsapp, qr]\nwhatsapp:\n  name: reward_earned\n  language: en_US\n")
        defer { whatsapp.remove() }
        let library = try whatsapp.library()
        #expect(library.info("t")?.channels == [.sms, .whatsapp, .qr])
        #expect(library.info("t")?.manifest.whatsapp == json(#"{"name": "reward_earned", "language": "en_US"}"#))
        #expect(try library.render(template: "t", channel: .qr, locale: nil, data: json(#"{"name": "a"}"#), recipient: Recipient()) == .qr(payload: "https://x.example/a"))

        let unknownFile = try TemplateFixture(files: ["sms.txt.mustache": "x", "email.htm.mustache": "y"])
        defer { unknownFile.remove() }
        #expect(unknownFile.loadError()?.file == "email.htm.mustache")
    }

    @Test("secret variables are masked")
    func secrets() throws {
        let fixture = try TemplateFixture(
            files: ["sms.txt.mustache": "{{reward.code}}"],
            manifest: "description: x\nvariables:\n  secret: [reward.code, pin]\n")
        defer { fixture.remove() }
        let library = try fixture.library()
        let masked = library.maskedData(json(#"{"reward": {"code": "RW-7Q2K", "title": "V"}, "pin": {"a": 1, "b": [2]}}"#), template: "t")
        #expect(masked == json(#"{"reward": {"code": "••••", "title": "V"}, "pin": {"a": "••••", "b": ["••••"]}}"#))
        #expect(try renderSMS(library, masked).get() == "••••")
    }

    @Test("unknown template and channel")
    func unknownTemplateAndChannel() throws {
        let fixture = try TemplateFixture(files: ["sms.txt.mustache": "x"])
        defer { fixture.remove() }
        let library = try fixture.library()
        #expect(throws: TemplateError(.unknownTemplate("nope"))) {
            try library.render(template: "nope", channel: .sms, locale: nil, data: json("{}"), recipient: Recipient())
        }
        #expect(throws: TemplateError(.channelNotAvailable(.email), template: "t")) {
            try library.validate(template: "t", channels: [.sms, .email], locale: nil, data: json("{}"), recipient: Recipient())
        }
    }
}
