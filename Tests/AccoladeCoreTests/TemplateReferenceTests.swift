import Foundation
import Testing
@testable import AccoladeCore

/// Accolade renders from its own compiled tree for speed; swift-mustache is the reference.
@Suite("Renderer matches swift-mustache")
struct TemplateReferenceTests {
    func compare(_ library: TemplateLibrary, template: String, locale: String?, data: JSONValue, recipient: Recipient) throws {
        let job = try RenderJob(library: library, template: template, locale: locale, data: data, recipient: recipient)
        guard let info = library.info(template) else { Issue.record("no \(template)"); return }
        for channel in info.channels {
            // A WhatsApp channel served by a template mapping alone has no part file to compare.
            for part in TemplatePart.parts(for: channel) where job.loaded.defaultParts[part] != nil {
                let ours = try job.render(part)
                let reference = try job.referenceRender(part)
                #expect(ours == reference, "\(template) \(locale ?? "-") \(part.fileName)")
            }
        }
    }

    @Test("shipped templates, every locale, sample data and variants")
    func shipped() throws {
        let library = try TemplateLibrary(directory: shippedTemplatesDirectory)
        for info in library.infos {
            var variants = [info.sample.data]
            if info.name == "reward-earned" {
                variants.append(json(#"{"program": "P&Co <b>", "reward": {"points": 1250, "code": "X'1\"", "expires_on": "2027-01-05T23:30:00Z"}}"#))
                variants.append(json(#"{"program": "P", "reward": {"cash": {"amount": 12.5, "currency": "USD"}, "code": "C", "expires_on": "2027-01-05"}, "note": "Well done"}"#))
            } else if info.name == "reward-expiring" {
                variants.append(json(#"{"program": "P&Co <b>", "reward": {"points": 1250, "code": "X'1\"", "expires_on": "2027-01-05T23:30:00Z"}}"#))
                variants.append(json(#"{"program": "P", "reward": {"cash": {"amount": 12.5, "currency": "USD"}, "code": "C", "expires_on": "2027-01-05", "redeem_url": "https://r.example/x?a=1&b=<2>"}}"#))
            } else if info.name == "milestone-reached" {
                variants.append(json(#"{"program": "P", "milestone": {"tier": "Diamond", "count": 5000, "reached_on": "2027-02-01"}}"#))
            } else if info.name == "reward-voucher" {
                variants.append(json(#"{"program": "P&Co <b>", "reward": {"voucher": {"amount": 12.5, "currency": "EUR"}, "code": "X'1\"", "expires_on": "2027-01-05", "redeem_url": "https://r.example/x?a=1&b=<2>"}}"#))
            }
            for data in variants {
                for locale in info.locales + ["pt-BR"] {
                    var recipient = info.sample.recipient
                    recipient.locale = nil
                    try compare(library, template: info.name, locale: locale, data: data, recipient: recipient)
                    try compare(library, template: info.name, locale: locale, data: data, recipient: Recipient())
                }
            }
        }
    }

    @Test("standalone lines, whitespace, lists and nesting", arguments: [
        "a\n{{#list}}\n  - {{name}}\n{{/list}}\nb\n",
        "  {{#flag}}  \n yes\n  {{/flag}}\n{{^flag}}no{{/flag}}\n",
        "{{#list}}{{name}}{{^last}}, {{/last}}{{/list}}",
        "x {{! comment }} y\n{{! standalone }}\nz",
        "{{#obj}}{{inner}} {{outer}}{{/obj}}\r\n{{#obj}}\r\nline\r\n{{/obj}}\r\nend",
        "{{#empty}}never{{/empty}}{{^empty}}empty list{{/empty}}",
        "{{count}} {{ratio}} {{flag}} {{{raw}}} {{& raw}} {{uppercased(name)}}",
        "{{#list}}\n{{#sub}}\n{{.}}\n{{/sub}}\n{{/list}}",
        "{{#obj}}{{.inner}}{{/obj}}",
    ])
    func fixtures(source: String) throws {
        let fixture = try TemplateFixture(files: ["sms.txt.mustache": source, "email.subject.mustache": "s", "email.txt.mustache": source, "email.html.mustache": source.replacingOccurrences(of: "{{{raw}}}", with: "").replacingOccurrences(of: "{{& raw}}", with: "")])
        defer { fixture.remove() }
        let data = json(#"""
            {"name": "Ana <&>", "flag": true, "count": 1250, "ratio": 2.5, "raw": "<i>", "empty": [],
             "list": [{"name": "a", "sub": ["x", "y"]}, {"name": "b", "last": true, "sub": []}],
             "obj": {"inner": "in"}, "outer": "out"}
            """#)
        try compare(try fixture.library(), template: "t", locale: "en", data: data, recipient: Recipient())
    }
}
