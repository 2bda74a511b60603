import Foundation
import Testing

@testable import AccoladeCore

/// The manifest's `whatsapp:` mapping: strict parsing with key paths, rendering with the message
/// locale, and the shipped templates' mappings.
@Suite("WhatsApp template mapping")
struct WhatsAppMappingTests {
    static let files = [
        "sms.txt.mustache": "x", "qr.txt.mustache": "https://x.example/{{code}}",
    ]

    static func manifest(_ whatsapp: String) -> String {
        "description: x\nwhatsapp:\n" + whatsapp.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
    }

    static let full = """
        name: reward_voucher
        language: { default: en_US, id: id, de: de }
        header: { type: image }
        body: [recipient.name, amount, code, "{{date(expires)}}"]
        buttons:
          - { index: 0, sub_type: url, value: code }
          - { index: 1, sub_type: quick_reply, payload: STOP }
        """

    static let data: JSONValue = .object([
        "amount": .object(["amount": .int(50000), "currency": .string("IDR")]), "code": .string("RW-7Q2K"),
        "expires": .string("2026-12-31"),
    ])

    @Test("a full mapping renders every parameter in the message locale")
    func rendersTheMapping() throws {
        let fixture = try TemplateFixture(files: Self.files, manifest: Self.manifest(Self.full))
        defer { fixture.remove() }
        let library = try fixture.library()
        #expect(library.info("t")?.channels == [.sms, .whatsapp, .qr])
        let content = try library.render(template: "t", channel: .whatsapp, locale: "id-ID", data: Self.data, recipient: Recipient(name: "Ana"))
        guard case .whatsappTemplate(let t, let text) = content else { Issue.record("\(content)"); return }
        #expect(text == nil)
        #expect(t.name == "reward_voucher" && t.languageCode == "id" && t.header == .qrImage)
        #expect(t.body.count == 4 && t.body[0] == "Ana" && t.body[2] == "RW-7Q2K")
        #expect(t.body[1].contains("50.000"), "\(t.body[1])")
        #expect(t.buttons == [.init(index: 0, kind: .url("RW-7Q2K")), .init(index: 1, kind: .quickReply("STOP"))])
        // No mapping for fr: the default code.
        guard case .whatsappTemplate(let fr, _) = try library.render(template: "t", channel: .whatsapp, locale: "fr", data: Self.data, recipient: Recipient(name: "A"))
        else { Issue.record("not a template"); return }
        #expect(fr.languageCode == "en_US")
    }

    @Test("free text rides along when whatsapp.txt exists; a missing variable is a send-time error")
    func textAndMissingVariables() throws {
        var files = Self.files
        files["whatsapp.txt.mustache"] = "Hi {{recipient.name}}, code {{code}}"
        let fixture = try TemplateFixture(
            files: files, manifest: Self.manifest("name: t1\nlanguage: en\nheader: { type: text, value: code }\nbody: [recipient.name, code]"))
        defer { fixture.remove() }
        let library = try fixture.library()
        let content = try library.render(template: "t", channel: .whatsapp, locale: nil, data: Self.data, recipient: Recipient(name: "Ana"))
        #expect(content == .whatsappTemplate(WhatsAppTemplateMessage(name: "t1", languageCode: "en", header: .text("RW-7Q2K"), body: ["Ana", "RW-7Q2K"]), text: "Hi Ana, code RW-7Q2K"))
        #expect(throws: TemplateError.self) {
            try library.render(template: "t", channel: .whatsapp, locale: nil, data: Self.data, recipient: Recipient())
        }
        do {
            _ = try library.render(template: "t", channel: .whatsapp, locale: nil, data: .object([:]), recipient: Recipient(name: "A"))
            Issue.record("rendered without code")
        } catch {
            #expect(error.description.contains("code"), "\(error)")
        }
    }

    @Test("values with line breaks become spaces; empty values are refused", arguments: [
        ("a\nb\tc", "a b c"),
    ])
    func whitespace(value: String, expected: String) throws {
        let fixture = try TemplateFixture(files: Self.files, manifest: Self.manifest("name: t1\nlanguage: en\nbody: [v]"))
        defer { fixture.remove() }
        let library = try fixture.library()
        let ok = try library.render(template: "t", channel: .whatsapp, locale: nil, data: .object(["v": .string(value)]), recipient: Recipient())
        #expect(ok == .whatsappTemplate(WhatsAppTemplateMessage(name: "t1", languageCode: "en", body: [expected]), text: nil))
        #expect(throws: TemplateError.self) {
            try library.render(template: "t", channel: .whatsapp, locale: nil, data: .object(["v": .string("  ")]), recipient: Recipient())
        }
    }

    @Test("invalid mappings name the key path", arguments: [
        ("language: en\nbody: [a]", "whatsapp.name"),
        ("name: Bad-Name\nlanguage: en", "whatsapp.name"),
        ("name: t\nlanguage: english", "whatsapp.language"),
        ("name: t\nlanguage: { \"not a locale\": en }", "whatsapp.language"),
        ("name: t", "whatsapp.language"),
        ("name: t\nlanguage: en\nbdy: [a]", "whatsapp.bdy"),
        ("name: t\nlanguage: en\nbody: a", "whatsapp.body"),
        ("name: t\nlanguage: en\nbody: [\"not a path\"]", "whatsapp.body[0]"),
        ("name: t\nlanguage: en\nbody: [\"{{#a}}\"]", "whatsapp.body[0]"),
        ("name: t\nlanguage: en\nheader: { type: video }", "whatsapp.header.type"),
        ("name: t\nlanguage: en\nheader: { type: text }", "whatsapp.header.value"),
        ("name: t\nlanguage: en\nheader: { type: image, size: 2 }", "whatsapp.header.size"),
        ("name: t\nlanguage: en\nbuttons: [{ index: 12, sub_type: url, value: a }]", "whatsapp.buttons[0].index"),
        ("name: t\nlanguage: en\nbuttons: [{ index: 0, sub_type: call, value: a }]", "whatsapp.buttons[0].sub_type"),
        ("name: t\nlanguage: en\nbuttons: [{ index: 0, sub_type: url }]", "whatsapp.buttons[0].value"),
        ("name: t\nlanguage: en\nbuttons: [{ index: 0, sub_type: quick_reply, value: a }]", "whatsapp.buttons[0].value"),
        ("name: t\nlanguage: en\nbuttons: [{ index: 0, sub_type: url, value: a }, { index: 0, sub_type: url, value: b }]", "whatsapp.buttons[1].index"),
        ("name: t\nlanguage: en\ncategory: promo", "whatsapp.category"),
    ])
    func rejects(mapping: String, path: String) throws {
        let fixture = try TemplateFixture(files: Self.files, manifest: Self.manifest(mapping))
        defer { fixture.remove() }
        let error = try #require(fixture.loadError())
        #expect(error.file == "manifest.yml")
        #expect(error.description.contains(path), "\(error)")
        #expect(error.line != nil, "\(error)")
    }

    @Test("an image header needs a qr part; a listed channel set must include whatsapp")
    func structuralRules() throws {
        let noQR = try TemplateFixture(files: ["sms.txt.mustache": "x"], manifest: Self.manifest("name: t\nlanguage: en\nheader: { type: image }"))
        defer { noQR.remove() }
        #expect(noQR.loadError()?.description.contains("qr.txt.mustache") == true)
        let unlisted = try TemplateFixture(files: ["sms.txt.mustache": "x"], manifest: "description: x\nchannels: [sms]\nwhatsapp:\n  name: t\n  language: en\n")
        defer { unlisted.remove() }
        #expect(unlisted.loadError()?.description.contains("add whatsapp to channels") == true)
    }

    @Test("the shipped templates map approved WhatsApp templates")
    func shipped() throws {
        let library = try TemplateLibrary(directory: shippedTemplatesDirectory)
        for name in ["reward-earned", "reward-expiring", "reward-voucher"] {
            let info = try #require(library.info(name))
            #expect(info.channels.contains(.whatsapp), "\(name)")
            let sample = info.sample
            for locale in ["en", "id", "de"] {
                let content = try library.render(template: name, channel: .whatsapp, locale: locale, data: sample.data, recipient: sample.recipient)
                guard case .whatsappTemplate(let t, _) = content else { Issue.record("\(name): \(content)"); continue }
                #expect(t.languageCode == (locale == "en" ? "en_US" : locale))
                #expect(t.body.allSatisfy { !$0.isEmpty })
            }
        }
    }
}
