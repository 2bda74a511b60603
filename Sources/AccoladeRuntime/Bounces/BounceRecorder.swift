import AccoladeCore
import Foundation
import Logging
import Metrics

/// Turns a bounce or complaint into what it means for the delivery and the address: the delivery
/// becomes `failed` (a fallback route moves on to its next channel), and the address goes on the
/// email suppression list — at once for a hard bounce or a complaint, after `bounces.soft_limit`
/// soft bounces within `bounces.window` otherwise.
///
/// A report is matched to a delivery by the address it was delivered to (the VERP return path,
/// `channels.email.return_path`), else by the original `Message-ID` Accolade wrote, else by the
/// relay's id for the message (Amazon SES's `mail.messageId`, kept from its `250 Ok <id>` reply). Only the delivery's own recipient is acted on, whatever other
/// addresses the report names: its `From` and its recipients are written by whoever sent it.
public struct BounceRecorder: Sendable {
    let store: any Store
    let settings: BouncesConfig
    let returnPath: ReturnPath?
    let now: @Sendable () -> Date
    let logger: Logger

    /// Creates a recorder; `now` is injectable for tests.
    public init(
        store: any Store, settings: BouncesConfig, returnPath: ReturnPath?, logger: Logger, now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.store = store
        self.settings = settings
        self.returnPath = returnPath
        self.logger = logger
        self.now = now
    }

    /// Reads and records one report. `envelopeRecipient` is the address the mail system delivered
    /// it to, when it says so (a pipe transport's `${recipient}`). Throws ``BounceReportError`` for
    /// a message that is not a report, and store errors (the caller may try again later).
    public func record(_ bytes: [UInt8], envelopeRecipient: String? = nil) async throws -> BounceOutcome {
        try await record(try BounceReport.parse(bytes), envelopeRecipient: envelopeRecipient)
    }

    /// Records a report already read (a DSN, or an Amazon SES event). Throws store errors.
    public func record(_ report: BounceReport, envelopeRecipient: String? = nil) async throws -> BounceOutcome {
        guard let delivery = try await matchDelivery(report, envelopeRecipient: envelopeRecipient) else {
            logger.notice(
                "bounce matched no delivery; ignored",
                metadata: ["bounce.message_id": "\(report.originalMessageID ?? "-")", "bounce.lines": "\(report.lines.count)"])
            Counter(label: "accolade_bounces_total", dimensions: [("kind", "unmatched")]).increment()
            return BounceOutcome(deliveryID: nil, address: nil, kind: nil, reason: nil, suppressed: false, softBounces: nil, ignored: report.ignored)
        }
        let address = try await store.message(id: delivery.messageID)?.recipient.email?.lowercased()
        // The line about this delivery's recipient (or one that names nobody); the worst kind wins.
        let lines = report.lines.filter { $0.address == nil || $0.address == address }
        guard let line = lines.max(by: { Self.severity($0.kind) < Self.severity($1.kind) }), let address else {
            return BounceOutcome(
                deliveryID: delivery.id, address: address, kind: nil, reason: nil, suppressed: false, softBounces: nil,
                ignored: report.ignored + report.lines.compactMap { $0.address.map { "\($0): not this delivery's recipient" } })
        }
        let at = now()
        if line.kind != .complaint {
            let receipt = ReceiptReport(
                reference: .deliveryID(delivery.id), state: .failed, provider: "bounce",
                providerEventID: "bounce:\(line.kind.rawValue):\(report.reportID ?? delivery.id)", occurredAt: nil, receivedAt: at,
                detail: line.reason)
            _ = try await store.recordReceipt(receipt)
        }
        var suppress = line.kind != .soft
        var softBounces: Int?
        if line.kind == .soft {
            let count = try await store.recordSoftBounce(address: address, deliveryID: delivery.id, at: at, since: at.addingTimeInterval(-settings.window))
            softBounces = count
            suppress = count >= settings.softLimit
        }
        var reason = line.reason
        if let softBounces, suppress { reason = "\(softBounces) soft bounces within \(Int(settings.window / 86_400))d, last: \(line.reason)" }
        var added = false
        if suppress {
            added = try await store.suppress([Suppression(channel: .email, address: address, reason: reason, source: "bounce", createdAt: at)]) > 0
        }
        Counter(label: "accolade_bounces_total", dimensions: [("kind", line.kind.rawValue)]).increment()
        logger.info(
            "bounce recorded",
            metadata: [
                "delivery.id": "\(delivery.id)", "bounce.kind": "\(line.kind.rawValue)", "bounce.status": "\(line.status ?? "-")",
                "bounce.suppressed": "\(suppress)",
            ])
        return BounceOutcome(
            deliveryID: delivery.id, address: address, kind: line.kind, reason: reason, suppressed: suppress, newlySuppressed: added,
            softBounces: softBounces, ignored: report.ignored)
    }

    /// The delivery: by the VERP address, the `Message-ID` Accolade wrote, or the relay's message id.
    func matchDelivery(_ report: BounceReport, envelopeRecipient: String?) async throws -> Delivery? {
        var candidates: [String] = []
        if let returnPath {
            candidates += ([envelopeRecipient].compactMap { $0 } + report.envelopeRecipients).compactMap { returnPath.deliveryID(in: $0) }
        }
        if let messageID = report.originalMessageID {
            candidates += [DeliveryMessageID.deliveryID(in: messageID)].compactMap { $0 }
        }
        for id in candidates {
            if let delivery = try await store.delivery(id: id), delivery.channel == .email { return delivery }
        }
        // The relay's id (SES's mail.messageId, from its 250 reply), then the Message-ID as a
        // relay id: relays that replace Message-ID report their own.
        let relayIDs = [report.relayMessageID].compactMap { $0 }
            + [report.originalMessageID].compactMap { $0 }.flatMap { [$0, $0.trimmingCharacters(in: CharacterSet(charactersIn: "<> "))] }
        for candidate in relayIDs {
            if let id = try await store.deliveryID(providerMessageID: candidate), let delivery = try await store.delivery(id: id),
                delivery.channel == .email
            {
                return delivery
            }
        }
        return nil
    }

    private static func severity(_ kind: BounceReport.Kind) -> Int {
        switch kind {
        case .soft: 0
        case .hard: 1
        case .complaint: 2
        }
    }
}

/// What one report changed.
public struct BounceOutcome: Sendable, Hashable, Codable {
    /// The delivery it was matched to; nil when it matched none (nothing changed).
    public var deliveryID: String?
    /// The delivery's recipient address.
    public var address: String?
    /// How it counted; nil when the report had no failure for this recipient (e.g. only `delayed`).
    public var kind: BounceReport.Kind?
    /// The reason recorded.
    public var reason: String?
    /// Whether the address is now suppressed on email because of it.
    public var suppressed: Bool
    /// Whether this report added the suppression (false when the address was already on the list).
    public var newlySuppressed: Bool = false
    /// The address's soft bounces within the window, for a soft bounce.
    public var softBounces: Int?
    /// Lines that did not count, for the log.
    public var ignored: [String]

    enum CodingKeys: String, CodingKey {
        case deliveryID = "delivery_id"
        case address, kind, reason, suppressed
        case newlySuppressed = "newly_suppressed"
        case softBounces = "soft_bounces"
        case ignored
    }
}

