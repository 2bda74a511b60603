import AccoladeCore
import Foundation
import GRDB

extension SQLiteStore {
    /// The delivery with this id.
    public func delivery(id: String) async throws -> Delivery? {
        try await pool.read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT \(SQLiteRows.deliveryColumns) FROM deliveries WHERE id = ?"), arguments: [id]
            ).map(SQLiteRows.delivery)
        }
    }

    /// Records the soft bounce (once per delivery) and counts the address's since `since`, in one transaction.
    public func recordSoftBounce(address: String, deliveryID: String, at: Date, since: Date) async throws -> Int {
        try await writeFolding { db in
            try db.cachedStatement(sql: "INSERT INTO email_soft_bounces (address, delivery_id, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
                .execute(arguments: [address, deliveryID, StoreTime.millis(at)])
            return try Int.fetchOne(
                db.cachedStatement(sql: "SELECT count(*) FROM email_soft_bounces WHERE address = ? AND at >= ?"),
                arguments: [address, StoreTime.millis(since)]) ?? 0
        }
    }
}
