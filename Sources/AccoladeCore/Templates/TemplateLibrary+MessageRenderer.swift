/// The template library is the dispatcher's and workers' renderer.
extension TemplateLibrary: MessageRenderer {
    /// Whether a template folder with this name was loaded.
    public func hasTemplate(_ name: String) -> Bool { info(name) != nil }

    /// The channels the template has parts for.
    public func channels(of template: String) -> Set<ChannelKind> { Set(info(template)?.channels ?? []) }

    /// The manifest's `category:`, if any.
    public func category(of template: String) -> String? { info(template)?.manifest.category }

    /// The manifest's `reward_value:` paths.
    public func rewardValuePaths(of template: String) -> [String] { info(template)?.manifest.rewardValuePaths ?? [] }

    /// The manifest's `whatsapp.category`.
    public func whatsAppCategory(of template: String) -> String? { info(template)?.manifest.whatsappMapping?.category }

    /// Checks `data` against the template's ``TemplateDataSchema`` (unknown templates pass: the
    /// dispatcher reports those itself).
    public func validateData(template: String, data: JSONValue) throws(ValidationError) {
        do throws(ValidationError) {
            try info(template)?.dataSchema.validate(data)
        } catch {
            throw ValidationError(field: error.field, reason: "\(error.reason) (template \"\(template)\")")
        }
    }

    /// ``render(template:channel:locale:data:recipient:)`` behind the protocol.
    public func renderContent(
        template: String, channel: ChannelKind, locale: String?, data: JSONValue, recipient: Recipient
    ) throws -> RenderedContent {
        try render(template: template, channel: channel, locale: locale, data: data, recipient: recipient)
    }
}
