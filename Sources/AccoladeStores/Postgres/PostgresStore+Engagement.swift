import AccoladeCore
import Foundation
import Logging
import PostgresNIO

extension PostgresStore {
    /// The signal a receipt of `state` on this delivery is, if any (only `read` and `delivered`
    /// can be one, so other receipts cost no query).
    static func engagementKind(_ state: DeliveryState, provider: String?, deliveryID: String, db: PostgresConnection, logger: Logger) async throws
        -> EngagementEvent.Kind?
    {
        guard state == .read || state == .delivered else { return nil }
        var channel: String?
        for try await c in try await db.query("SELECT channel FROM deliveries WHERE id = \(deliveryID)", logger: logger).decode(String.self) {
            channel = c
        }
        return channel.flatMap(ChannelKind.init(rawValue:)).flatMap { EngagementEvent.Kind(receipt: state, channel: $0, provider: provider) }
    }

    /// Records `kind` at `at` for the recipient of `messageID` inside the caller's transaction and
    /// forgets that recipient's events older than the lookback.
    static func recordEngagement(_ kind: EngagementEvent.Kind, at: Date, messageID: String, db: PostgresConnection, logger: Logger)
        async throws
    {
        var recipient: Recipient?
        for try await row in try await db.query(
            """
            SELECT recipient_external_id, recipient_email, recipient_phone, recipient_whatsapp, recipient_locale, recipient_timezone
            FROM messages WHERE id = \(messageID)
            """, logger: logger
        ).decode((String?, String?, String?, String?, String?, String?).self) {
            recipient = Recipient(email: row.1, phone: row.2, whatsapp: row.3, locale: row.4, timezone: row.5, id: row.0)
        }
        guard let recipient, let key = recipient.key else { return }
        let millis = StoreTime.millis(at)
        let cutoff = StoreTime.millis(at.addingTimeInterval(-EngagementHistory.lookback))
        try await db.query(
            """
            INSERT INTO engagement_events (recipient_key, at, kind, cohort)
            VALUES (\(key), \(millis), \(kind.rawValue), \(recipient.engagementCohort)) ON CONFLICT DO NOTHING
            """, logger: logger)
        try await db.query("DELETE FROM engagement_events WHERE recipient_key = \(key) AND at < \(cutoff)", logger: logger)
    }

    /// Two index range reads, as on SQLite: at most 200 + 2,000 rows.
    public func engagementHistory(recipientKey: String, cohort: String, now: Date) async throws -> EngagementHistory {
        let since = StoreTime.millis(Self.lookbackStart(now: now))
        func events(_ rows: [PostgresRow]) throws -> [EngagementEvent] {
            try rows.compactMap { row in
                let (at, kind) = try row.decode((Int64, String).self)
                return EngagementEvent.Kind(rawValue: kind).map { EngagementEvent(at: StoreTime.date(at), kind: $0) }
            }
        }
        let own = try await rows(
            "read engagement",
            """
            SELECT at, kind FROM engagement_events WHERE recipient_key = \(recipientKey) AND at >= \(since)
            ORDER BY at DESC LIMIT \(EngagementHistory.recipientLimit)
            """)
        let others = try await rows(
            "read cohort engagement",
            """
            SELECT at, kind FROM engagement_events WHERE cohort = \(cohort) AND at >= \(since)
            ORDER BY at DESC LIMIT \(EngagementHistory.cohortLimit)
            """)
        return EngagementHistory(recipient: try events(own), cohort: try events(others), cohortName: cohort)
    }
}
