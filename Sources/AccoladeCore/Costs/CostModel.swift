/// What one accepted attempt costs, from the configured rate card (``CostsConfig``). Pure: the
/// worker asks it when a provider accepts a delivery and records the answer on the attempt, so a
/// later price change never rewrites history.
public struct CostModel: Sendable, Hashable {
    /// The rate card.
    public var config: CostsConfig

    /// A model over `config`.
    public init(_ config: CostsConfig) { self.config = config }

    /// The cost of one accepted attempt, or nil when no price applies (channel or provider not
    /// priced, no default and no matching prefix, inbox and QR which cost nothing to send).
    ///
    /// - Parameters:
    ///   - destination: the E.164 number (SMS, WhatsApp); ignored for email.
    ///   - whatsappCategory: the template's WhatsApp category (``WhatsAppTemplateMapping/category``).
    ///   - units: billable units; SMS segments (at least 1), 1 elsewhere.
    public func cost(channel: ChannelKind, provider: String, destination: String?, whatsappCategory: String?, units: Int)
        -> MicroMoney?
    {
        guard let currency = config.currency else { return nil }
        let price: Int64?
        switch channel {
        case .email:
            price = config.email[provider]
        case .sms:
            price = config.sms[provider]?.price(for: destination).map { $0 * Int64(max(units, 1)) }
        case .whatsapp:
            let category = whatsappCategory ?? WhatsAppTemplateMapping.defaultCategory
            price = config.whatsapp[provider]?[category]?.price(for: destination)
        default:
            price = nil
        }
        return price.map { MicroMoney(micros: $0, currency: currency) }
    }
}
