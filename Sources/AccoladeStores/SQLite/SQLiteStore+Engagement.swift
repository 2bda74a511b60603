import AccoladeCore
import Foundation
import GRDB

extension SQLiteStore {
    /// Records `kind` at `at` for the recipient of `messageID` inside the caller's transaction
    /// (a receipt that is a signal); nothing when the message has no recipient key.
    static func recordEngagement(_ kind: EngagementEvent.Kind, at: Date, messageID: String, db: Database) throws {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT recipient_external_id, recipient_email, recipient_phone, recipient_whatsapp,
                               recipient_locale, recipient_timezone
                        FROM messages WHERE id = ?
                        """),
                arguments: [messageID])
        else { return }
        let recipient = Recipient(email: row[1], phone: row[2], whatsapp: row[3], locale: row[4], timezone: row[5], id: row[0])
        try recordEngagement(kind, at: at, recipient: recipient, db: db)
    }

    /// Records `kind` at `at` for `recipient` inside the caller's transaction, and forgets the
    /// recipient's events older than the lookback (they would never be read again).
    static func recordEngagement(_ kind: EngagementEvent.Kind, at: Date, recipient: Recipient, db: Database) throws {
        guard let key = recipient.key else { return }
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO engagement_events (recipient_key, at, kind, cohort) VALUES (?, ?, ?, ?)")
            .execute(arguments: [key, StoreTime.millis(at), kind.rawValue, recipient.engagementCohort])
        try db.cachedStatement(sql: "DELETE FROM engagement_events WHERE recipient_key = ? AND at < ?")
            .execute(arguments: [key, StoreTime.millis(at.addingTimeInterval(-EngagementHistory.lookback))])
    }

    /// Two index range reads: the recipient's newest events (primary key) and the cohort's
    /// (`engagement_events_cohort`, covering) — at most 200 + 2,000 rows, whatever the table holds.
    public func engagementHistory(recipientKey: String, cohort: String, now: Date) async throws -> EngagementHistory {
        let since = StoreTime.millis(Self.lookbackStart(now: now))
        return try await pool.read { db in
            func events(_ sql: String, _ value: String, _ limit: Int) throws -> [EngagementEvent] {
                try Row.fetchAll(db.cachedStatement(sql: sql), arguments: [value, since, limit]).compactMap { row in
                    EngagementEvent.Kind(rawValue: row[1]).map { EngagementEvent(at: StoreTime.date(row[0] as Int64), kind: $0) }
                }
            }
            return EngagementHistory(
                recipient: try events(
                    "SELECT at, kind FROM engagement_events WHERE recipient_key = ? AND at >= ? ORDER BY at DESC LIMIT ?", recipientKey,
                    EngagementHistory.recipientLimit),
                cohort: try events(
                    "SELECT at, kind FROM engagement_events WHERE cohort = ? AND at >= ? ORDER BY at DESC LIMIT ?", cohort,
                    EngagementHistory.cohortLimit),
                cohortName: cohort)
        }
    }
}
