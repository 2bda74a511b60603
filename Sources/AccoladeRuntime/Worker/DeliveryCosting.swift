import AccoladeCore

/// Prices an attempt a provider accepted, for the worker: the configured ``CostModel`` plus what
/// it needs of the message (destination number, the template's WhatsApp category).
public struct DeliveryCosting: Sendable {
    let model: CostModel
    let renderer: any MessageRenderer

    /// Costing over `costs`; nil when nothing is priced, so the hot path asks nothing.
    public init?(costs: CostsConfig, renderer: any MessageRenderer) {
        guard !costs.isEmpty, costs.currency != nil else { return nil }
        self.model = CostModel(costs)
        self.renderer = renderer
    }

    /// The cost of `receipt` for `claimed`, at today's prices; nil when not priced.
    func cost(of claimed: ClaimedDelivery, receipt: DeliveryReceipt) -> MicroMoney? {
        let recipient = claimed.message.recipient
        let channel = claimed.delivery.channel
        let destination: String? =
            switch channel {
            case .sms: recipient.phone
            case .whatsapp: recipient.whatsapp
            default: nil
            }
        return model.cost(
            channel: channel, provider: receipt.provider, destination: destination,
            whatsappCategory: channel == .whatsapp ? renderer.whatsAppCategory(of: claimed.message.template) : nil,
            units: receipt.units ?? 1)
    }
}
