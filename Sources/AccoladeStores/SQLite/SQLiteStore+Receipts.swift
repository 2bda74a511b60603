import AccoladeCore
import Foundation
import GRDB

extension SQLiteStore {
    /// Records a provider status event in one write transaction: applied, kept as history, or held
    /// until the outcome carrying it is written (see ``Store/recordReceipt(_:)``).
    ///
    /// Finding the delivery and holding the report happen under the one write lock that
    /// ``complete(_:)`` also takes, so a report and the outcome it names can never miss each other.
    public func recordReceipt(_ report: ReceiptReport) async throws -> ReceiptOutcome {
        let outcome = try await writeFolding { db -> ReceiptOutcome in
            let deliveryID: String?
            switch report.reference {
            case .deliveryID(let id):
                deliveryID = try String.fetchOne(db.cachedStatement(sql: "SELECT id FROM deliveries WHERE id = ?"), arguments: [id])
            case .providerMessageID(let id):
                deliveryID = try String.fetchOne(
                    db.cachedStatement(sql: "SELECT id FROM deliveries WHERE provider_message_id = ? LIMIT 1"), arguments: [id])
            }
            guard let deliveryID else {
                guard case .providerMessageID = report.reference else { return .unknownDelivery }
                return try Self.hold(report, deliveryID: nil, db: db)
            }
            return try Self.apply(report, deliveryID: deliveryID, db: db)
        }
        // A late failure may have moved a fallback route on.
        if outcome == .applied(.failed) { signals.signal() }
        return outcome
    }

    /// Applies `report` to an existing delivery inside the caller's transaction, as
    /// ``DeliveryStateMachine/receiptDecision(_:current:)`` decides.
    static func apply(_ report: ReceiptReport, deliveryID: String, db: Database) throws -> ReceiptOutcome {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT d.state, d.message_id, d.position, m.route_mode, d.channel
                        FROM deliveries d JOIN messages m ON m.id = d.message_id WHERE d.id = ?
                        """),
                arguments: [deliveryID])
        else { return .unknownDelivery }
        if let eventID = report.providerEventID,
            try Bool.fetchOne(
                db.cachedStatement(sql: "SELECT 1 FROM receipts WHERE delivery_id = ? AND provider_event_id = ?"),
                arguments: [deliveryID, eventID]) == true
        {
            return .duplicate
        }
        guard let current = DeliveryState(rawValue: row[0]) else {
            throw SQLiteStoreError.unreadableRow(table: "deliveries", id: deliveryID, column: "state", reason: "unknown state")
        }
        let decision = DeliveryStateMachine.receiptDecision(try partsState(report, deliveryID: deliveryID, db: db), current: current)
        if decision == .hold { return try hold(report, deliveryID: deliveryID, db: db) }
        if report.freeOfCharge {
            try db.cachedStatement(sql: "UPDATE deliveries SET cost_micros = 0 WHERE id = ? AND cost_micros <> 0")
                .execute(arguments: [deliveryID])
        }
        let receipt = report.receipt(deliveryID: deliveryID)
        try db.cachedStatement(
            sql: """
                INSERT INTO receipts (delivery_id, status, provider, provider_event_id, occurred_at, received_at, detail, part_index, part_count)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            receipt.deliveryID, receipt.status, receipt.provider, receipt.providerEventID,
            StoreTime.millis(receipt.occurredAt), StoreTime.millis(receipt.receivedAt), receipt.detail,
            receipt.part?.index, receipt.part?.count,
        ])
        if let channel = ChannelKind(rawValue: row[4]), let kind = EngagementEvent.Kind(receipt: report.state, channel: channel, provider: report.provider) {
            try recordEngagement(kind, at: report.occurredAt ?? report.receivedAt, messageID: row[1], db: db)
        }
        guard case .advance(let next) = decision else { return .recorded }
        try db.cachedStatement(
            sql: """
                UPDATE deliveries SET state = ?1, updated_at = ?2,
                    last_error = CASE WHEN ?1 = 'failed' THEN ?3 ELSE last_error END,
                    delivered_at = CASE WHEN ?1 IN ('delivered', 'read') THEN COALESCE(delivered_at, ?2) ELSE delivered_at END
                WHERE id = ?4 AND state = ?5
                """
        ).execute(arguments: [next.rawValue, StoreTime.millis(report.receivedAt), report.detail, deliveryID, current.rawValue])
        // A run waiting on this message (`wait: {for: delivered|read}`) looks again now.
        if next == .delivered || next == .read {
            try wakeRuns(lastMessageID: row[1], now: report.receivedAt, db: db)
        }
        if let mode = RouteMode(rawValue: row[3]),
            let followUp = DeliveryStateMachine.followUp(
                afterReceipt: next, messageID: row[1], position: row[2], mode: mode, now: report.receivedAt)
        {
            try Self.apply(followUp, db: db, now: report.receivedAt)
        }
        return .applied(next)
    }

    /// The state `report` says for its delivery: its own, or for one part of a multi-part
    /// delivery, what all the parts' recorded reports and this one say together (``PartReceipts``).
    static func partsState(_ report: ReceiptReport, deliveryID: String, db: Database) throws -> DeliveryState {
        guard let part = report.part else { return report.state }
        var parts = PartReceipts(count: part.count)
        for row in try Row.fetchAll(
            db.cachedStatement(sql: "SELECT part_index, status FROM receipts WHERE delivery_id = ? AND part_count = ?"),
            arguments: [deliveryID, part.count])
        {
            if let state = DeliveryState(rawValue: row[1]) { parts.record(part: row[0], state: state) }
        }
        parts.record(part: part.index, state: report.state)
        return parts.state
    }

    /// The delivery a provider knows by this message id.
    public func deliveryID(providerMessageID: String) async throws -> String? {
        try await pool.read { db in
            try String.fetchOne(
                db.cachedStatement(sql: "SELECT id FROM deliveries WHERE provider_message_id = ? LIMIT 1"),
                arguments: [providerMessageID])
        }
    }
}
