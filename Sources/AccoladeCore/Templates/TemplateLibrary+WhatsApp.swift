extension RenderJob {
    /// Fills the manifest's approved WhatsApp template for this message, plus the free text when
    /// the template also has a `whatsapp.txt` part.
    ///
    /// Values render in the locale of the language actually sent (see
    /// ``formattingLocale(whatsAppLanguage:)``): an `es` message that falls back to the `en_US`
    /// template shows `IDR 50,000` and `Dec 31, 2026`, not `50.000 IDR` and `31 dic 2026`.
    /// Meta rejects template text parameters holding line breaks or tabs, so those become
    /// single spaces; a value that renders empty is an error here (Meta would answer 131008
    /// only after the message was queued).
    func renderWhatsApp(_ mapping: WhatsAppTemplateMapping) throws(TemplateError) -> RenderedContent {
        let code = try whatsAppLanguage(mapping)
        let renderer = try rendererFormatting(in: formattingLocale(whatsAppLanguage: code))
        func value(_ source: WhatsAppParameterSource, path: String) throws(TemplateError) -> String {
            try parameter(source, path: path, renderer: renderer)
        }
        var message = WhatsAppTemplateMessage(name: mapping.name, languageCode: code)
        switch mapping.header {
        case .text(let source)?: message.header = .text(try value(source, path: "whatsapp.header.value"))
        case .image?: message.header = .qrImage
        case nil: break
        }
        for (i, source) in mapping.body.enumerated() {
            message.body.append(try value(source, path: "whatsapp.body[\(i)]"))
        }
        for button in mapping.buttons {
            switch button.kind {
            case .url(let source):
                message.buttons.append(.init(index: button.index, kind: .url(try value(source, path: "whatsapp.buttons index \(button.index)"))))
            case .quickReply(let payload):
                message.buttons.append(.init(index: button.index, kind: .quickReply(payload)))
            }
        }
        let text = loaded.defaultParts[.whatsapp] == nil ? nil : try render(TemplatePart.whatsapp)
        return .whatsappTemplate(message, text: text)
    }

    /// The WhatsApp language code sent for this message's locale.
    func whatsAppLanguage(_ mapping: WhatsAppTemplateMapping) throws(TemplateError) -> String {
        let defaultChain = library.locales.resolve(library.defaultLocale).chain
        guard let code = mapping.languageCode(chain: locale.chain, defaultChain: defaultChain) else {
            throw TemplateError(
                .invalidFile("whatsapp.language has no code for locale \(locale.canonical) — add \(locale.language): <code> or default: <code>"),
                template: loaded.info.name, file: "manifest.yml")
        }
        return code
    }

    private func parameter(_ source: WhatsAppParameterSource, path: String, renderer: TemplateRenderer) throws(TemplateError) -> String {
        let raw: String
        do {
            raw = try renderer.render(source.compiled)
        } catch {
            throw TemplateError(error.kind, template: loaded.info.name, file: "manifest.yml")
        }
        // Byte-wise: line breaks and tabs are ASCII, and walking Characters costs grapheme breaking.
        func isBreak(_ b: UInt8) -> Bool { b == 0x0A || b == 0x0D || b == 0x09 }
        let flat = raw.utf8.contains(where: isBreak) ? String(decoding: raw.utf8.map { isBreak($0) ? 0x20 : $0 }, as: UTF8.self) : raw
        let trimmed = Self.trimmed(flat)
        guard !trimmed.isEmpty else {
            throw TemplateError(
                .invalidFile("\(path) (\(source.source)) renders empty — WhatsApp refuses empty parameters; give the variable a value"),
                template: loaded.info.name, file: "manifest.yml")
        }
        return trimmed
    }
}
