import Foundation

extension TemplateLibrary {
    /// Renders one channel of a template for one recipient.
    ///
    /// - Parameters:
    ///   - template: The template folder name (`reward-earned`).
    ///   - channel: The channel to render; its parts must exist.
    ///   - locale: The message locale; the recipient's own locale wins, then this, then
    ///     ``defaultLocale``.
    ///   - data: The message data, a JSON object.
    ///   - recipient: Who it is for; available to templates as `recipient`.
    /// - Throws: ``TemplateError`` naming template, file, line and variable.
    public func render(
        template: String, channel: ChannelKind, locale: String?, data: JSONValue, recipient: Recipient
    ) throws(TemplateError) -> RenderedContent {
        let job = try RenderJob(library: self, template: template, locale: locale, data: data, recipient: recipient)
        return try job.render(channel)
    }

    /// Renders every channel in `channels` and discards the output: the send-time check that
    /// nothing is queued for a message that cannot render.
    public func validate(
        template: String, channels: [ChannelKind], locale: String?, data: JSONValue, recipient: Recipient
    ) throws(TemplateError) {
        let job = try RenderJob(library: self, template: template, locale: locale, data: data, recipient: recipient)
        for channel in channels { _ = try job.render(channel) }
    }

    /// The locale a message renders in: the recipient's, else the message's, else the default.
    public func effectiveLocale(locale: String?, recipient: Recipient) -> String {
        locales.resolve(recipient.locale ?? locale ?? defaultLocale).canonical
    }
}

/// The per-message state shared by the parts and channels of one render.
struct RenderJob {
    let library: TemplateLibrary
    let loaded: LoadedTemplate
    let locale: ResolvedLocale
    let timeZone: String?
    /// Renders in the requested locale; ``rendererFormatting(in:)`` makes one for another.
    let renderer: TemplateRenderer

    /// - Parameter checkRequired: whether manifest `required` variables must be in `data`
    ///   (false only when nothing is rendered, as for ``TemplateLibrary/locales(template:channel:locale:recipient:)``).
    init(
        library: TemplateLibrary, template: String, locale: String?, data: JSONValue, recipient: Recipient, checkRequired: Bool = true
    ) throws(TemplateError) {
        guard let loaded = library.templates[template] else { throw TemplateError(.unknownTemplate(template)) }
        guard case .object(let object) = data else {
            throw TemplateError(.invalidFile("message data must be a JSON object of template variables"), template: template)
        }
        self.library = library
        self.loaded = loaded
        self.locale = library.locales.resolve(recipient.locale ?? locale ?? library.defaultLocale)
        self.timeZone = recipient.timezone
        guard let formatter = library.formatters.formatter(locale: self.locale.canonical, timeZone: timeZone) else {
            throw TemplateError(.unknownTimeZone(timeZone ?? ""), template: template)
        }
        self.renderer = TemplateRenderer(
            data: object, recipient: recipient, locale: .string(self.locale.canonical), formatter: formatter,
            preferencesURL: recipient.key.flatMap { key in library.preferenceLinks?.preferencesURL(recipientKey: key) })
        for required in loaded.required where checkRequired && renderer.lookupFromRoot(required.segments) == nil {
            throw TemplateError(.missingVariable(required.path), template: template, file: "manifest.yml", line: required.line)
        }
    }

    func render(_ channel: ChannelKind) throws(TemplateError) -> RenderedContent {
        if channel == .whatsapp, let mapping = loaded.info.manifest.whatsappMapping { return try renderWhatsApp(mapping) }
        guard loaded.info.channels.contains(channel), !(TemplatePart.parts(for: channel).contains { loaded.defaultParts[$0] == nil })
        else { throw TemplateError(.channelNotAvailable(channel), template: loaded.info.name) }
        switch channel {
        case .email:
            let subject = try render(.emailSubject)
            if subject.utf8.contains(where: { $0 == 10 || $0 == 13 }) {
                throw TemplateError(
                    .multilineSubject, template: loaded.info.name,
                    file: loaded.part(.emailSubject, chain: locale.chain)?.file)
            }
            return .email(RenderedEmail(subject: subject, text: try render(.emailText), html: try render(.emailHTML)))
        case .sms: return .sms(text: try render(.sms))
        case .whatsapp: return .whatsapp(text: try render(.whatsapp))
        case .qr: return .qr(payload: try render(.qr))
        case .inbox: return try renderInbox()
        }
    }

    /// The inbox parts: title (one line), then the optional body and link (absent when the
    /// template has no such part or it renders empty), plus the QR payload the item will show.
    private func renderInbox() throws(TemplateError) -> RenderedContent {
        let title = try render(.inboxTitle)
        if title.utf8.contains(where: { $0 == 10 || $0 == 13 }) {
            throw TemplateError(
                .invalidFile("inbox.title renders to several lines — keep the title on one line"), template: loaded.info.name,
                file: loaded.part(.inboxTitle, chain: locale.chain)?.file)
        }
        func optional(_ part: TemplatePart) throws(TemplateError) -> String? {
            guard loaded.defaultParts[part] != nil else { return nil }
            let text = Self.trimmed(try render(part))
            return text.isEmpty ? nil : text
        }
        let qr = loaded.info.channels.contains(ChannelKind.qr) ? try render(TemplatePart.qr) : nil
        return .inbox(RenderedInbox(
            title: title, body: try optional(.inboxBody), url: try optional(.inboxURL), qrPayload: qr, locale: locale.canonical))
    }

    /// Checks and renders one part.
    func render(_ part: TemplatePart) throws(TemplateError) -> String {
        let (compiled, renderer) = try prepare(part)
        let output: String
        do {
            output = try renderer.render(compiled.requirements)
        } catch {
            throw TemplateError(error.kind, template: loaded.info.name, file: compiled.file, line: error.reference.line)
        }
        return part.isSingleValue ? Self.trimmed(output) : output
    }

    /// The file for `part` in this locale, and a renderer for it: values formatted in the
    /// locale of that file's text (``formattingLocale(of:)``), so an English fallback never
    /// shows French month names, and with plain spaces in SMS parts.
    func prepare(_ part: TemplatePart) throws(TemplateError) -> (CompiledPart, TemplateRenderer) {
        guard let compiled = loaded.part(part, chain: locale.chain) else {
            throw TemplateError(.channelNotAvailable(part.channel), template: loaded.info.name)
        }
        var chosen = try rendererFormatting(in: formattingLocale(of: compiled))
        chosen.plainSpaces = part == .sms
        return (compiled, chosen)
    }

    /// Trims spaces, tabs and line breaks at both ends without a trip through Foundation.
    static func trimmed(_ s: String) -> String {
        let utf8 = s.utf8
        func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 10 || b == 13 || b == 9 }
        guard let first = utf8.firstIndex(where: { !isSpace($0) }), let last = utf8.lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        if first == utf8.startIndex && utf8.index(after: last) == utf8.endIndex { return s }
        return String(s[first...last])
    }
}
