import AccoladeCore
import Foundation
import PostgresNIO

extension PostgresStore {
    /// The delivery with this id.
    public func delivery(id: String) async throws -> Delivery? {
        try await rows(
            "read a delivery", "SELECT \(unescaped: PostgresRows.deliveryColumns) FROM deliveries WHERE id = \(id)"
        ).first.map(PostgresRows.delivery)
    }

    /// Records the soft bounce (once per delivery) and counts the address's since `since`, in one
    /// statement. The count's snapshot does not see the row the same statement inserts, so the
    /// insert's own row count is added.
    public func recordSoftBounce(address: String, deliveryID: String, at: Date, since: Date) async throws -> Int {
        let rows = try await write(
            "record a soft bounce",
            """
            WITH added AS (
                INSERT INTO email_soft_bounces (address, delivery_id, at) VALUES (\(address), \(deliveryID), \(StoreTime.millis(at)))
                ON CONFLICT DO NOTHING RETURNING 1
            )
            SELECT (SELECT count(*) FROM email_soft_bounces WHERE address = \(address) AND at >= \(StoreTime.millis(since)))
                 + (SELECT count(*) FROM added)
            """)
        return Int(try rows.first?.decode(Int64.self) ?? 0)
    }
}
