import Foundation
import Mustache

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
    let checker: StrictChecker
    let recipient: [String: JSONValue]
    let timeZone: String?
    /// The formatter for the requested locale, used by every part whose file is in its language.
    let formatter: LocaleFormatter

    init(library: TemplateLibrary, template: String, locale: String?, data: JSONValue, recipient: Recipient) throws(TemplateError) {
        guard let loaded = library.templates[template] else { throw TemplateError(.unknownTemplate(template)) }
        guard case .object(let object) = data else {
            throw TemplateError(.invalidFile("message data must be a JSON object of template variables"), template: template)
        }
        self.library = library
        self.loaded = loaded
        self.locale = library.locales.resolve(recipient.locale ?? locale ?? library.defaultLocale)
        let recipientValue = recipient.templateValue
        self.recipient = recipientValue.objectValue ?? [:]
        self.checker = StrictChecker(data: object, recipient: recipientValue, locale: .string(self.locale.canonical))
        for required in loaded.required where checker.lookupFromRoot(required.segments) == nil {
            throw TemplateError(.missingVariable(required.path), template: template, file: "manifest.yml", line: required.line)
        }
        self.timeZone = recipient.timezone
        guard let formatter = library.formatters.formatter(locale: self.locale.canonical, timeZone: timeZone) else {
            throw TemplateError(.unknownTimeZone(timeZone ?? ""), template: template)
        }
        self.formatter = formatter
    }

    func render(_ channel: ChannelKind) throws(TemplateError) -> RenderedContent {
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
        }
    }

    /// Checks and renders one part.
    func render(_ part: TemplatePart) throws(TemplateError) -> String {
        guard let compiled = loaded.part(part, chain: locale.chain) else {
            throw TemplateError(.channelNotAvailable(part.channel), template: loaded.info.name)
        }
        if let (ref, problem) = checker.check(compiled.requirements) {
            throw TemplateError(problem, template: loaded.info.name, file: compiled.file, line: ref.line)
        }
        let root = ContextRoot(
            data: checker.data, recipient: .object(recipient), locale: locale.canonical, formatter: try formatter(for: compiled))
        let output = compiled.mustache.render(root)
        return part.isSingleValue ? Self.trimmed(output) : output
    }

    /// Formats in the requested locale when the file is in its language, otherwise in the
    /// file's own, so an English fallback never shows French month names.
    private func formatter(for compiled: CompiledPart) throws(TemplateError) -> LocaleFormatter {
        let fileLanguage = compiled.language ?? library.defaultLanguage
        if fileLanguage == locale.language { return formatter }
        guard let other = library.formatters.formatter(locale: compiled.localeKey ?? library.defaultLocale, timeZone: timeZone) else {
            throw TemplateError(.unknownTimeZone(timeZone ?? ""), template: loaded.info.name)
        }
        return other
    }

    private static func trimmed(_ s: String) -> String {
        guard let first = s.utf8.first, let last = s.utf8.last,
            first == 32 || first == 10 || first == 13 || first == 9 || last == 32 || last == 10 || last == 13 || last == 9
        else { return s }
        return s.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
