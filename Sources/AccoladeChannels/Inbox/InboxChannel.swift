import AccoladeCore
import Foundation
import Logging

/// The in-app inbox: an item in the recipient's feed, read by the widget and the feed API.
///
/// Delivering touches no network and writes nothing: the channel checks the rendered item,
/// draws the message's QR code when the template has one (the same stored artifact the QR
/// channel writes, so the item's image URL works the moment the item appears) and returns a
/// receipt carrying an ``InboxItemDraft``. The worker puts that draft on the `sent` outcome
/// (``DeliveryUpdate/inboxItem``) and the store writes the item in the outcome transaction, so
/// the item is in the feed exactly when the delivery log says `sent`.
public struct InboxChannel: Channel {
    /// Always `.inbox`.
    public let kind: ChannelKind = .inbox
    /// The provider name recorded on attempts and inbox receipts (`inbox`).
    public let providerName: String = InboxItemChange.receiptProvider
    /// The QR drawing function, when `channels.qr` is configured (otherwise items have no image).
    public let artifacts: QRArtifacts?
    private let logger: Logger

    /// Creates the channel; `artifacts` nil means items carry no QR image.
    public init(artifacts: QRArtifacts?, logger: Logger) {
        self.artifacts = artifacts
        self.logger = logger
    }

    /// The recipient's id names the feed: it must be present and meet ``InboxRecipientKey``, the
    /// same rule inbox tokens' `sub` meets, so every recipient that gets an item can read it.
    public func validate(recipient: Recipient) throws(ValidationError) {
        if let problem = Self.addressProblem(recipient) { throw ValidationError(field: "to.id", reason: problem) }
    }

    /// Why `recipient` has no inbox address, or nil.
    static func addressProblem(_ recipient: Recipient) -> String? {
        guard let id = recipient.id else {
            return "the inbox channel needs the recipient's id (to.id in the API, --recipient-id or the CSV id column in the CLI)"
        }
        return InboxRecipientKey.problem(with: id)
    }

    /// Refuses at `send` time an empty title, an action link that is not an http(s) URL and a QR
    /// payload too large to draw, so nothing is queued that would show a broken item.
    public func validate(content: RenderedContent) throws(ValidationError) {
        guard case .inbox(let item) = content else { return }
        if let problem = problem(with: item) { throw ValidationError(field: "data", reason: problem) }
    }

    private func problem(with item: RenderedInbox) -> String? {
        if item.title.isEmpty { return "inbox.title renders empty; an inbox item needs a title" }
        if let url = item.url, let problem = InboxActionURL.problem(with: url) {
            return "inbox.url renders \"\(url.prefix(80))\", which \(problem)"
        }
        if let payload = item.qrPayload, let artifacts {
            do {
                _ = try QREncoder.encode(artifacts.finalPayload(payload), level: artifacts.renderer.level)
            } catch {
                return "qr: \(error)"
            }
        }
        return nil
    }

    /// Draws the QR code when there is one and returns the item to write with the outcome.
    public func deliver(_ request: DeliveryRequest) async throws(DeliveryError) -> DeliveryReceipt {
        try await DeliveryAttemptRecorder(channel: .inbox, logger: logger).measure(request, provider: providerName) { attempt(request) }
    }

    private func attempt(_ request: DeliveryRequest) -> Result<DeliveryReceipt, DeliveryError> {
        func permanent(_ detail: String) -> Result<DeliveryReceipt, DeliveryError> {
            .failure(DeliveryError(disposition: .permanent, provider: providerName, detail: detail))
        }
        guard case .inbox(let item) = request.content else {
            return permanent("content is not an inbox item; route the inbox channel only to templates with an inbox.title part")
        }
        // Checked at send time already; a stored message is re-checked because the rules (or the
        // template) may have changed since it was queued, and a bad item must never be written.
        if let problem = Self.addressProblem(request.recipient) { return permanent("to.id \(problem)") }
        if let problem = problem(with: item) { return permanent(problem) }
        var imageToken: String?
        if let payload = item.qrPayload, let artifacts {
            do {
                imageToken = try artifacts.make(messageID: request.messageID, payload: payload).token
            } catch {
                return .failure(DeliveryError(
                    disposition: error.isTransient ? .retry(after: nil) : .permanent, provider: providerName, detail: "qr: \(error)"))
            }
        }
        let draft = InboxItemDraft(
            id: Identifier.make(), recipientKey: request.recipient.id ?? "", title: item.title, body: item.body, url: item.url,
            imageToken: imageToken, locale: item.locale)
        return .success(DeliveryReceipt(
            provider: providerName, providerMessageID: draft.id,
            detail: imageToken == nil ? "inbox item" : "inbox item with QR image", inboxItem: draft))
    }
}
