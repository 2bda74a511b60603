import AccoladeCore
import Foundation
import PostgresNIO

extension PostgresStore {
    /// Records a provider status event and advances the delivery monotonically, in one transaction.
    ///
    /// The delivery row is locked first, so two webhook calls for one delivery (a provider
    /// retrying while the first call is still running) apply one after the other.
    public func recordReceipt(_ receipt: Receipt, state: DeliveryState) async throws -> ReceiptOutcome {
        let logger = queryLogger
        return try await transaction("record a receipt") { db -> ReceiptOutcome in
            var found: (state: String, messageID: String, position: Int, channel: String, mode: String)?
            for try await row in try await db.query(
                """
                SELECT d.state, d.message_id, d.position, d.channel, m.route_mode
                FROM deliveries d JOIN messages m ON m.id = d.message_id
                WHERE d.id = \(receipt.deliveryID) FOR UPDATE OF d
                """, logger: logger
            ).decode((String, String, Int, String, String).self) { found = row }
            guard let found else { return .unknownDelivery }
            let currentName = found.state
            if let eventID = receipt.providerEventID {
                var seen = false
                for try await _ in try await db.query(
                    "SELECT 1 FROM receipts WHERE delivery_id = \(receipt.deliveryID) AND provider_event_id = \(eventID)",
                    logger: logger
                ) { seen = true }
                if seen { return .duplicate }
            }
            let occurred = StoreTime.millis(receipt.occurredAt)
            let received = StoreTime.millis(receipt.receivedAt)
            try await db.query(
                """
                INSERT INTO receipts (delivery_id, status, provider, provider_event_id, occurred_at, received_at, detail)
                VALUES (\(receipt.deliveryID), \(receipt.status), \(receipt.provider), \(receipt.providerEventID),
                        \(occurred), \(received), \(receipt.detail))
                """, logger: logger)
            guard let now = DeliveryState(rawValue: currentName),
                let next = DeliveryStateMachine.applyReceipt(state, to: now)
            else { return .recorded }
            let failed = next == .failed
            try await db.query(
                """
                UPDATE deliveries SET state = \(next.rawValue), updated_at = \(received),
                    last_error = CASE WHEN \(failed) THEN \(receipt.detail) ELSE last_error END
                WHERE id = \(receipt.deliveryID)
                """, logger: logger)
            if let channel = ChannelKind(rawValue: found.channel), let mode = RouteMode(rawValue: found.mode),
                let followUp = DeliveryStateMachine.followUp(
                    afterReceipt: next, messageID: found.messageID, position: found.position, channel: channel, mode: mode,
                    now: receipt.receivedAt),
                try await Self.apply(followUp, db: db, now: receipt.receivedAt, logger: logger)
            {
                try await Self.notify(db, logger: logger)
            }
            return .applied(next)
        }
    }

    /// The delivery a provider knows by this message id.
    public func deliveryID(providerMessageID: String) async throws -> String? {
        try await rows(
            "find a delivery by provider message id",
            "SELECT id FROM deliveries WHERE provider_message_id = \(providerMessageID) LIMIT 1"
        ).first.map { try $0.decode(String.self) }
    }
}
