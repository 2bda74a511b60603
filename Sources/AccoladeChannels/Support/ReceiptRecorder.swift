import AccoladeCore
import Foundation
import Logging

/// Records what a provider reports about a delivery: shared by the Twilio, Kannel and WhatsApp webhooks.
struct ReceiptRecorder: Sendable {
    let store: any Store
    let clock: any WallClock
    let logger: Logger

    /// Finds the delivery, records the event and answers the provider. Unknown deliveries are
    /// answered 200 too (logged): a provider retrying a callback we can never apply helps nobody.
    func record(_ event: SMSReceiptEvent, provider: String) async throws -> WebhookResponse {
        let deliveryID: String?
        switch event.reference {
        case .deliveryID(let id): deliveryID = id
        case .providerMessageID(let id): deliveryID = try await store.deliveryID(providerMessageID: id)
        }
        guard let deliveryID else {
            logger.warning("receipt for an unknown message", metadata: ["webhook.provider": "\(provider)"])
            return .ok()
        }
        let receipt = Receipt(
            deliveryID: deliveryID, status: event.state.rawValue, provider: provider,
            providerEventID: event.deduplicationKey, occurredAt: event.occurredAt, receivedAt: clock.now(),
            detail: event.detail)
        let outcome = try await store.recordReceipt(receipt, state: event.state)
        logger.debug(
            "receipt recorded",
            metadata: ["delivery.id": "\(deliveryID)", "receipt.status": "\(event.rawStatus)", "receipt.outcome": "\(outcome)"])
        return .ok()
    }
}
