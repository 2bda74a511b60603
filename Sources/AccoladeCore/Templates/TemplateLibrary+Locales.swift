/// Which locale one channel of a message is sent in: what `preview` reports.
public struct RenderLocales: Sendable, Hashable {
    /// The locale asked for (the recipient's, else the message's, else the default), e.g. `es-MX`.
    public var requested: String
    /// The locale of the text actually sent, which its values are formatted in: the body's
    /// (email text, SMS, WhatsApp template language, QR payload). `en-US` when an `es-MX` message
    /// fell back to the `en_US` WhatsApp template.
    public var used: String
    /// The locale of each part, by part name (`email.subject`, `email.txt`, `whatsapp.template`, …).
    public var parts: [String: String]

    /// Whether anything is sent in another locale than the one asked for.
    public var fellBack: Bool { parts.values.contains { $0 != requested } }
}

extension TemplateLibrary {
    /// The locales one channel of `template` renders in for this locale and recipient, without
    /// rendering it.
    ///
    /// - Throws: ``TemplateError`` for an unknown template or channel, or a WhatsApp mapping
    ///   with no language for the locale.
    public func locales(template: String, channel: ChannelKind, locale: String?, recipient: Recipient) throws(TemplateError) -> RenderLocales {
        let job = try RenderJob(library: self, template: template, locale: locale, data: .object([:]), recipient: recipient, checkRequired: false)
        return try job.locales(channel)
    }
}

extension RenderJob {
    /// The locale a part's values are formatted in: the locale of its text. The requested
    /// locale when the file is in the requested language (so `en-IN` keeps its `12,34,567`
    /// with the default English file), otherwise the file's own (`de` for `de/sms.txt`, the
    /// default locale for a default file).
    func formattingLocale(of compiled: CompiledPart) -> String {
        if (compiled.language ?? library.defaultLanguage) == locale.language { return locale.canonical }
        return TemplateLocale.canonical(compiled.localeKey ?? library.defaultLocale)
    }

    /// The locale a WhatsApp template's parameters are formatted in: the requested locale when
    /// the template language sent is in its language, otherwise the language sent (`en_US` →
    /// `en-US`), so an English template never carries `50.000 IDR` or `31 dic 2026`.
    func formattingLocale(whatsAppLanguage code: String) -> String {
        TemplateLocale.language(code) == locale.language ? locale.canonical : TemplateLocale.canonical(code)
    }

    /// A renderer over the same data whose values are formatted in `identifier`, which is also
    /// what `{{locale}}` shows.
    func rendererFormatting(in identifier: String) throws(TemplateError) -> TemplateRenderer {
        if identifier == locale.canonical { return renderer }
        guard let other = library.formatters.formatter(locale: identifier, timeZone: timeZone) else {
            throw TemplateError(.unknownTimeZone(timeZone ?? ""), template: loaded.info.name)
        }
        return TemplateRenderer(
            data: renderer.data, recipient: renderer.recipient, locale: .string(identifier), formatter: other,
            preferencesURL: renderer.preferencesURL)
    }

    /// See ``TemplateLibrary/locales(template:channel:locale:recipient:)``.
    func locales(_ channel: ChannelKind) throws(TemplateError) -> RenderLocales {
        var parts: [String: String] = [:]
        var used: String?
        if channel == .whatsapp, let mapping = loaded.info.manifest.whatsappMapping {
            let code = try whatsAppLanguage(mapping)
            used = formattingLocale(whatsAppLanguage: code)
            parts["whatsapp.template"] = used
        }
        guard used != nil || loaded.info.channels.contains(channel) else {
            throw TemplateError(.channelNotAvailable(channel), template: loaded.info.name)
        }
        for part in TemplatePart.parts(for: channel) {
            guard let compiled = loaded.part(part, chain: locale.chain) else { continue }
            parts[part.rawValue] = formattingLocale(of: compiled)
        }
        // The body decides: the text a reader reads, or the template Meta delivers.
        let body: TemplatePart = channel == .email ? .emailText : TemplatePart.parts(for: channel)[0]
        guard let chosen = used ?? parts[body.rawValue] else {
            throw TemplateError(.channelNotAvailable(channel), template: loaded.info.name)
        }
        return RenderLocales(requested: locale.canonical, used: chosen, parts: parts)
    }
}
