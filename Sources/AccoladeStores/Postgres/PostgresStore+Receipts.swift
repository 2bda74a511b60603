import AccoladeCore
import Foundation
import Logging
import PostgresNIO

extension PostgresStore {
    /// Records a provider status event in one transaction: applied, kept as history, or held
    /// until the outcome carrying it is written (see ``Store/recordReceipt(_:)``).
    ///
    /// The delivery row is locked first, so two webhook calls for one delivery (a provider
    /// retrying while the first call is still running) apply one after the other, and a report
    /// for a delivery whose outcome is being written waits for that write and then applies.
    public func recordReceipt(_ report: ReceiptReport) async throws -> ReceiptOutcome {
        let logger = queryLogger
        return try await transaction("record a receipt") { db -> ReceiptOutcome in
            let lookup: PostgresQuery
            switch report.reference {
            case .deliveryID(let id): lookup = "SELECT id FROM deliveries WHERE id = \(id) FOR UPDATE"
            case .providerMessageID(let id):
                lookup = "SELECT id FROM deliveries WHERE provider_message_id = \(id) LIMIT 1 FOR UPDATE"
            }
            var deliveryID: String?
            for try await id in try await db.query(lookup, logger: logger).decode(String.self) { deliveryID = id }
            guard let deliveryID else {
                // A report that names the provider's id may simply be early: hold it.
                guard case .providerMessageID = report.reference else { return .unknownDelivery }
                return try await Self.hold(report, deliveryID: nil, db: db, logger: logger)
            }
            return try await Self.apply(report, deliveryID: deliveryID, db: db, logger: logger)
        }
    }

    /// Applies `report` to an existing delivery inside the caller's transaction, as
    /// ``DeliveryStateMachine/receiptDecision(_:current:)`` decides; sends the wake-up when a late
    /// failure made a fallback channel due.
    static func apply(_ report: ReceiptReport, deliveryID: String, db: PostgresConnection, logger: Logger) async throws
        -> ReceiptOutcome
    {
        var found: (state: String, messageID: String, position: Int, mode: String)?
        for try await row in try await db.query(
            """
            SELECT d.state, d.message_id, d.position, m.route_mode
            FROM deliveries d JOIN messages m ON m.id = d.message_id
            WHERE d.id = \(deliveryID) FOR UPDATE OF d
            """, logger: logger
        ).decode((String, String, Int, String).self) { found = row }
        guard let found else { return .unknownDelivery }
        if let eventID = report.providerEventID {
            var seen = false
            for try await _ in try await db.query(
                "SELECT 1 FROM receipts WHERE delivery_id = \(deliveryID) AND provider_event_id = \(eventID)", logger: logger
            ) { seen = true }
            if seen { return .duplicate }
        }
        guard let current = DeliveryState(rawValue: found.state) else {
            throw PostgresStoreError.unreadableRow(table: "deliveries", id: deliveryID, column: "state", reason: "unknown state \(found.state)")
        }
        let decision = DeliveryStateMachine.receiptDecision(
            try await partsState(report, deliveryID: deliveryID, db: db, logger: logger), current: current)
        if decision == .hold { return try await hold(report, deliveryID: deliveryID, db: db, logger: logger) }
        if report.freeOfCharge {
            try await db.query("UPDATE deliveries SET cost_micros = 0 WHERE id = \(deliveryID) AND cost_micros <> 0", logger: logger)
        }
        let occurred = StoreTime.millis(report.occurredAt)
        let received = StoreTime.millis(report.receivedAt)
        try await db.query(
            """
            INSERT INTO receipts (delivery_id, status, provider, provider_event_id, occurred_at, received_at, detail, part_index, part_count)
            VALUES (\(deliveryID), \(report.state.rawValue), \(report.provider), \(report.providerEventID),
                    \(occurred), \(received), \(report.detail), \(report.part?.index), \(report.part?.count))
            """, logger: logger)
        if let kind = try await engagementKind(report.state, provider: report.provider, deliveryID: deliveryID, db: db, logger: logger) {
            try await recordEngagement(kind, at: report.occurredAt ?? report.receivedAt, messageID: found.messageID, db: db, logger: logger)
        }
        guard case .advance(let next) = decision else { return .recorded }
        let failed = next == .failed
        let seen = next == .delivered || next == .read
        try await db.query(
            """
            UPDATE deliveries SET state = \(next.rawValue), updated_at = \(received),
                last_error = CASE WHEN \(failed) THEN \(report.detail) ELSE last_error END,
                delivered_at = CASE WHEN \(seen) THEN COALESCE(delivered_at, \(received)) ELSE delivered_at END
            WHERE id = \(deliveryID) AND state = \(current.rawValue)
            """, logger: logger)
        // A run waiting on this message (`wait: {for: delivered|read}`) looks again now.
        if next == .delivered || next == .read {
            try await wakeRuns(lastMessageID: found.messageID, now: report.receivedAt, db: db, logger: logger)
        }
        if let mode = RouteMode(rawValue: found.mode),
            let followUp = DeliveryStateMachine.followUp(
                afterReceipt: next, messageID: found.messageID, position: found.position, mode: mode, now: report.receivedAt),
            try await Self.apply(followUp, db: db, now: report.receivedAt, logger: logger)
        {
            try await Self.notify(db, logger: logger)
        }
        return .applied(next)
    }

    /// The state `report` says for its delivery: its own, or for one part of a multi-part
    /// delivery, what all the parts' recorded reports and this one say together (``PartReceipts``).
    /// The caller holds the delivery's row lock, so two parts' reports are decided one after the other.
    static func partsState(_ report: ReceiptReport, deliveryID: String, db: PostgresConnection, logger: Logger) async throws
        -> DeliveryState
    {
        guard let part = report.part else { return report.state }
        var parts = PartReceipts(count: part.count)
        for try await (index, status) in try await db.query(
            "SELECT part_index, status FROM receipts WHERE delivery_id = \(deliveryID) AND part_count = \(part.count)", logger: logger
        ).decode((Int, String).self) {
            if let state = DeliveryState(rawValue: status) { parts.record(part: index, state: state) }
        }
        parts.record(part: part.index, state: report.state)
        return parts.state
    }

    /// The delivery a provider knows by this message id.
    public func deliveryID(providerMessageID: String) async throws -> String? {
        try await rows(
            "find a delivery by provider message id",
            "SELECT id FROM deliveries WHERE provider_message_id = \(providerMessageID) LIMIT 1"
        ).first.map { try $0.decode(String.self) }
    }
}
