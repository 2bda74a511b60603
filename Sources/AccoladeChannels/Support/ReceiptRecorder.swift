import AccoladeCore
import Foundation
import Logging

/// Records what a provider reports about a delivery: shared by the Twilio, Kannel and WhatsApp webhooks.
struct ReceiptRecorder: Sendable {
    let store: any Store
    let clock: any WallClock
    let logger: Logger

    /// Hands the event to the store and answers the provider 200 once it is durable, whatever the
    /// store did with it: applied, kept as history, held until the outcome carrying its provider
    /// message id is written (a callback may beat the worker's batched write), or a repeat.
    func record(_ event: ReceiptEvent, provider: String) async throws -> WebhookResponse {
        var report = ReceiptReport(
            reference: event.reference, state: event.state, provider: provider, providerEventID: event.deduplicationKey,
            occurredAt: event.occurredAt, receivedAt: clock.now(), detail: event.detail, part: event.part)
        report.freeOfCharge = event.freeOfCharge
        let outcome = try await store.recordReceipt(report)
        var metadata: Logger.Metadata = [
            "webhook.provider": "\(provider)", "receipt.status": "\(event.rawStatus)", "receipt.outcome": "\(outcome)",
        ]
        if let part = event.part { metadata["receipt.part"] = "\(part.index)/\(part.count)" }
        switch event.reference {
        case .deliveryID(let id): metadata["delivery.id"] = "\(id)"
        case .providerMessageID(let id): metadata["receipt.provider_message_id"] = "\(id)"
        }
        switch outcome {
        case .unknownDelivery:
            // Only a verified token names a delivery id, so the delivery was deleted since.
            logger.warning("receipt for a delivery that no longer exists", metadata: metadata)
        case .recorded where event.state == .failed:
            // A replayed or reordered callback: the delivery already arrived (or ended); keep the report only.
            logger.notice("failed receipt kept as history only: the delivery had already advanced", metadata: metadata)
        case .held:
            logger.debug("receipt held until the delivery's outcome is written", metadata: metadata)
        default:
            logger.debug("receipt recorded", metadata: metadata)
        }
        return .ok()
    }
}
