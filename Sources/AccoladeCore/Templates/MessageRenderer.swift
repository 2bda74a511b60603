/// Renders a template for one channel; what the dispatcher and workers need of the template engine.
///
/// ``TemplateLibrary`` is the real implementation; tests may pass a stub.
public protocol MessageRenderer: Sendable {
    /// Whether a template with this name exists.
    func hasTemplate(_ name: String) -> Bool
    /// The channels the template has parts for.
    func channels(of template: String) -> Set<ChannelKind>
    /// Renders one channel's parts strictly (a missing variable is an error naming file and line).
    func renderContent(
        template: String, channel: ChannelKind, locale: String?, data: JSONValue, recipient: Recipient
    ) throws -> RenderedContent
    /// Checks message data against what the template accepts, before any render.
    func validateData(template: String, data: JSONValue) throws(ValidationError)
    /// The `category:` of the template's manifest, if it names one.
    func category(of template: String) -> String?
    /// The manifest's `reward_value:` paths (empty when it issues no value).
    func rewardValuePaths(of template: String) -> [String]
    /// The manifest's WhatsApp pricing category (`whatsapp.category`), nil without a mapping.
    func whatsAppCategory(of template: String) -> String?
}

extension MessageRenderer {
    /// Renderers without a data schema check nothing up front; rendering still does.
    public func validateData(template: String, data: JSONValue) throws(ValidationError) {}
    /// Renderers without manifests name no category.
    public func category(of template: String) -> String? { nil }
    /// Renderers without manifests issue no value.
    public func rewardValuePaths(of template: String) -> [String] { [] }
    /// Renderers without manifests name no WhatsApp category.
    public func whatsAppCategory(of template: String) -> String? { nil }
}
