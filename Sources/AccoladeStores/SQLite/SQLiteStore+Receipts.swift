import AccoladeCore
import Foundation
import GRDB

extension SQLiteStore {
    /// Records a provider status event and advances the delivery monotonically, in one transaction.
    public func recordReceipt(_ receipt: Receipt, state: DeliveryState) async throws -> ReceiptOutcome {
        let outcome = try await pool.write { db -> ReceiptOutcome in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT d.state, d.message_id, d.position, d.channel, m.route_mode
                            FROM deliveries d JOIN messages m ON m.id = d.message_id WHERE d.id = ?
                            """),
                    arguments: [receipt.deliveryID])
            else { return .unknownDelivery }
            let currentName: String = row[0]
            if let eventID = receipt.providerEventID,
                try Bool.fetchOne(
                    db.cachedStatement(sql: "SELECT 1 FROM receipts WHERE delivery_id = ? AND provider_event_id = ?"),
                    arguments: [receipt.deliveryID, eventID]) == true
            {
                return .duplicate
            }
            try db.cachedStatement(
                sql: """
                    INSERT INTO receipts (delivery_id, status, provider, provider_event_id, occurred_at, received_at, detail)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                receipt.deliveryID, receipt.status, receipt.provider, receipt.providerEventID,
                StoreTime.millis(receipt.occurredAt), StoreTime.millis(receipt.receivedAt), receipt.detail,
            ])
            guard let current = DeliveryState(rawValue: currentName),
                let next = DeliveryStateMachine.applyReceipt(state, to: current)
            else { return .recorded }
            try db.cachedStatement(
                sql: """
                    UPDATE deliveries SET state = ?, updated_at = ?,
                        last_error = CASE WHEN ? = 'failed' THEN ? ELSE last_error END
                    WHERE id = ?
                    """
            ).execute(arguments: [
                next.rawValue, StoreTime.millis(receipt.receivedAt), next.rawValue, receipt.detail, receipt.deliveryID,
            ])
            if let channel = ChannelKind(rawValue: row[3]), let mode = RouteMode(rawValue: row[4]),
                let followUp = DeliveryStateMachine.followUp(
                    afterReceipt: next, messageID: row[1], position: row[2], channel: channel, mode: mode, now: receipt.receivedAt)
            {
                try Self.apply(followUp, db: db, now: receipt.receivedAt)
            }
            return .applied(next)
        }
        // A late failure may have moved a fallback route on.
        if outcome == .applied(.failed) { signals.signal() }
        return outcome
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
