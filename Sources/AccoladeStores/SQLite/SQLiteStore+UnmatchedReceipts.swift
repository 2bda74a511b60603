import AccoladeCore
import Foundation
import GRDB
import Logging

/// Receipts that arrive before the outcome they name is written are held in `unmatched_receipts`
/// and applied in the transaction that writes that outcome; the periodic sweep purges the ones
/// that never match.
extension SQLiteStore {
    /// Holds `report` until an outcome carrying it is written; `.duplicate` when the same event
    /// is already held (a provider retrying its callback).
    static func hold(_ report: ReceiptReport, deliveryID: String?, db: Database) throws -> ReceiptOutcome {
        var providerMessageID: String?
        if case .providerMessageID(let id) = report.reference { providerMessageID = id }
        try db.cachedStatement(
            sql: """
                INSERT INTO unmatched_receipts
                    (provider_message_id, delivery_id, status, provider, provider_event_id, occurred_at, received_at, detail,
                     part_index, part_count, free_of_charge)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING
                """
        ).execute(arguments: [
            providerMessageID, deliveryID, report.state.rawValue, report.provider, report.providerEventID,
            StoreTime.millis(report.occurredAt), StoreTime.millis(report.receivedAt), report.detail,
            report.part?.index, report.part?.count, report.freeOfCharge,
        ])
        return db.changesCount == 1 ? .held : .duplicate
    }

    /// Whether anything is held at all: one index probe, so the hot path skips the per-delivery
    /// look-ups when (as almost always) nothing is.
    static func hasUnmatchedReceipts(_ db: Database) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM unmatched_receipts)")) ?? false
    }

    /// Takes the receipts held for each written outcome (by delivery id or by the provider message
    /// id it now carries) and applies them in arrival order, inside the caller's transaction.
    /// Returns what each did.
    static func applyHeldReceipts(
        for outcomes: [(deliveryID: String, providerMessageID: String?)], db: Database, logger: Logger
    ) throws -> [ReceiptOutcome] {
        let take = try db.cachedStatement(
            sql: """
                DELETE FROM unmatched_receipts WHERE delivery_id = ?1 OR (?2 IS NOT NULL AND provider_message_id = ?2)
                RETURNING id, provider_message_id, status, provider, provider_event_id, occurred_at, received_at, detail,
                    part_index, part_count, free_of_charge
                """)
        var results: [ReceiptOutcome] = []
        for outcome in outcomes {
            let rows = try Row.fetchAll(take, arguments: [outcome.deliveryID, outcome.providerMessageID])
                .sorted { ($0[0] as Int64) < ($1[0] as Int64) }
            for row in rows {
                guard let state = DeliveryState(rawValue: row[2]) else { continue }
                let providerMessageID: String? = row[1]
                var report = ReceiptReport(
                    reference: providerMessageID.map { .providerMessageID($0) } ?? .deliveryID(outcome.deliveryID), state: state,
                    provider: row[3], providerEventID: row[4], occurredAt: (row[5] as Int64?).map(StoreTime.date),
                    receivedAt: StoreTime.date(row[6] as Int64), detail: row[7],
                    part: (row[8] as Int?).flatMap { index in (row[9] as Int?).flatMap { ReceiptReport.Part(index: index, count: $0) } })
                report.freeOfCharge = row[10]
                let result = try apply(report, deliveryID: outcome.deliveryID, db: db)
                StoreLog.heldReceiptApplied(logger, deliveryID: outcome.deliveryID, state: state, outcome: result)
                results.append(result)
            }
        }
        return results
    }

    /// Applies held receipts whose outcome has been written since they arrived, then deletes those
    /// received before `cutoff` (see ``Store/sweepUnmatchedReceipts(now:receivedBefore:)``).
    @discardableResult
    public func sweepUnmatchedReceipts(now: Date, receivedBefore cutoff: Date) async throws -> UnmatchedReceiptSweep {
        let logger = self.logger
        // Read first: the sweep runs every few seconds in every worker, and almost always finds
        // nothing; taking the write lock for that would stall other writers for nothing.
        guard try await pool.read({ try Self.hasUnmatchedReceipts($0) }) else { return UnmatchedReceiptSweep(matched: 0, purged: 0) }
        let (sweep, woke) = try await writeFolding { db -> (UnmatchedReceiptSweep, Bool) in
            guard try Self.hasUnmatchedReceipts(db) else { return (UnmatchedReceiptSweep(matched: 0, purged: 0), false) }
            let final = DeliveryStateSQL.final
            let pairs = try Row.fetchAll(
                db,
                sql: """
                    SELECT d.id, d.provider_message_id FROM unmatched_receipts u JOIN deliveries d ON d.id = u.delivery_id
                    WHERE d.state IN \(final)
                    UNION
                    SELECT d.id, d.provider_message_id FROM unmatched_receipts u
                    JOIN deliveries d ON d.provider_message_id = u.provider_message_id
                    WHERE u.delivery_id IS NULL AND d.state IN \(final)
                    """
            ).map { (deliveryID: $0[0] as String, providerMessageID: $0[1] as String?) }
            let results = try Self.applyHeldReceipts(for: pairs, db: db, logger: logger)
            try db.cachedStatement(sql: "DELETE FROM unmatched_receipts WHERE received_at < ?")
                .execute(arguments: [StoreTime.millis(cutoff)])
            let purged = db.changesCount
            return (UnmatchedReceiptSweep(matched: results.count, purged: purged), results.contains(.applied(.failed)))
        }
        StoreLog.swept(logger, sweep, cutoff: cutoff)
        if woke { signals.signal() }
        return sweep
    }

}
