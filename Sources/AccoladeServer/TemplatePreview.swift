import AccoladeCore
import Foundation

/// One template rendered for previews with secret variables masked: what `POST /v1/previews`
/// returns and what the preview page lays out.
struct TemplatePreview {
    let library: TemplateLibrary
    let info: TemplateInfo
    let locale: String?
    /// The data as given, before masking.
    let data: JSONValue

    /// The recipient: the sample's, in the requested locale.
    var recipient: Recipient {
        var r = info.sample.recipient
        if let locale { r.locale = locale }
        return r
    }

    /// The locale the template resolves to.
    var effectiveLocale: String { library.effectiveLocale(locale: locale, recipient: recipient) }

    /// The locale one channel's text is actually sent (and its values formatted) in, and each
    /// part's: differs from ``effectiveLocale`` when a part falls back to another locale's file
    /// or the WhatsApp template to another language.
    func locales(_ channel: ChannelKind) throws -> RenderLocales {
        try library.locales(template: info.name, channel: channel, locale: locale, recipient: recipient)
    }

    /// Renders one channel with secrets masked.
    func render(_ channel: ChannelKind) throws -> RenderedContent {
        try library.render(
            template: info.name, channel: channel, locale: locale, data: info.maskedData(data), recipient: recipient)
    }

    /// Renders one channel from the data as given, secrets in clear: for measurements the mask
    /// would distort (`••••` is not GSM-7, so a masked SMS always looks like UCS-2). Never shown.
    func renderUnmasked(_ channel: ChannelKind) throws -> RenderedContent {
        try library.render(template: info.name, channel: channel, locale: locale, data: data, recipient: recipient)
    }

    /// The shortest secret value ``redacting(_:)`` looks for: shorter ones ("1", "ab") would
    /// blank out ordinary words, and are too weak to be worth hiding that way.
    static let minimumRedactedLength = 4

    /// The values of the manifest's secret variables in ``data`` (string and number leaves),
    /// longest first so a value containing another is replaced whole.
    var secretValues: [String] {
        var values: Set<String> = []
        func collect(_ value: JSONValue) {
            switch value {
            case .string(let s): values.insert(s)
            case .int(let i): values.insert(String(i))
            case .double(let d): values.insert(String(d))
            case .array(let items): items.forEach(collect)
            case .object(let object): object.values.forEach(collect)
            case .null, .bool: break
            }
        }
        for path in info.manifest.secretVariables {
            if let value = data[path: path] { collect(value) }
        }
        return values.filter { $0.count >= Self.minimumRedactedLength }.sorted { ($0.count, $0) > ($1.count, $1) }
    }

    /// `text` with every secret value replaced by the mask, in plain and HTML-escaped form.
    ///
    /// Masking the secret variables is not enough when another, non-secret variable carries the
    /// same value (a redeem URL ending in the code); pages served over HTTP use this as well.
    func redacting(_ text: String) -> String {
        var result = text
        for secret in secretValues {
            result = result.replacingOccurrences(of: secret, with: TemplateManifest.mask)
            let escaped = Self.htmlEscaped(secret)
            if escaped != secret { result = result.replacingOccurrences(of: escaped, with: TemplateManifest.mask) }
        }
        return result
    }

    /// The data as pages may show it: secret variables masked and secret values redacted from
    /// every other string.
    var publicData: JSONValue {
        func scrub(_ value: JSONValue) -> JSONValue {
            switch value {
            case .string(let s): return .string(redacting(s))
            case .array(let items): return .array(items.map(scrub))
            case .object(let object): return .object(object.mapValues(scrub))
            default: return value
            }
        }
        return scrub(info.maskedData(data))
    }

    /// Renders one channel with secrets masked and secret values redacted from every part.
    func renderRedacted(_ channel: ChannelKind) throws -> RenderedContent {
        switch try render(channel) {
        case .email(let email):
            return .email(RenderedEmail(subject: redacting(email.subject), text: redacting(email.text), html: redacting(email.html)))
        case .sms(let text): return .sms(text: redacting(text))
        case .whatsapp(let text): return .whatsapp(text: redacting(text))
        case .whatsappTemplate(let template, let text): return .whatsappTemplate(template.mapValues(redacting), text: text.map(redacting))
        case .qr(let payload): return .qr(payload: redacting(payload))
        case .inbox(let item):
            return .inbox(RenderedInbox(
                title: redacting(item.title), body: item.body.map(redacting), url: item.url.map(redacting),
                qrPayload: item.qrPayload.map(redacting), locale: item.locale))
        }
    }

    /// The same escaping the template renderer applies to values in HTML parts.
    static func htmlEscaped(_ text: String) -> String { HTMLEscape.text(text) }

    /// The API shape of one channel's preview.
    func json(_ channel: ChannelKind) throws -> JSONValue {
        var parts: [String: JSONValue] = [:]
        switch try renderRedacted(channel) {
        case .email(let email):
            parts = ["subject": .string(email.subject), "text": .string(email.text), "html": .string(email.html)]
        case .sms(let text):
            // Encoding and segments of what will really be sent (the mask itself is not GSM-7).
            guard case .sms(let real) = try renderUnmasked(channel) else { break }
            let analysis = SMSAnalysis(real)
            parts = [
                "text": .string(text), "encoding": .string(analysis.encoding.rawValue),
                "units": .int(Int64(analysis.units)), "segments": .int(Int64(analysis.segments)),
                // Only characters visible in the masked text: one inside a secret stays hidden.
                "ucs2_characters": .array(
                    analysis.nonGSMCharacters.filter { text.contains($0.character) }.map { .string(String($0.character)) }),
            ]
        case .whatsapp(let text):
            parts = ["text": .string(text)]
        case .whatsappTemplate(let template, let text):
            parts = ["text": text.map(JSONValue.string) ?? .null, "template": template.jsonValue]
        case .qr(let payload):
            parts = ["payload": .string(payload)]
        case .inbox(let item):
            parts = ["title": .string(item.title), "body": item.body.map(JSONValue.string) ?? .null, "url": item.url.map(JSONValue.string) ?? .null]
        }
        let used = try locales(channel)
        return .object([
            "template": .string(info.name), "channel": .string(channel.rawValue), "locale": .string(effectiveLocale),
            "locale_used": .string(used.used), "part_locales": .object(used.parts.mapValues(JSONValue.string)),
            "parts": .object(parts),
        ])
    }
}
