import AccoladeCore
import Foundation
import Logging
import PostgresNIO

/// Receipts that arrive before the outcome they name is written are held in `unmatched_receipts`
/// and applied in the transaction that writes that outcome; the periodic sweep applies any that
/// raced that transaction's commit and purges the ones that never match.
extension PostgresStore {
    /// Held receipts, as the `DELETE … RETURNING` that takes them reads them.
    static let heldColumns = "id, provider_message_id, delivery_id, status, provider, provider_event_id, occurred_at, received_at, detail, part_index, part_count, free_of_charge"

    /// Holds `report` until an outcome carrying it is written; `.duplicate` when the same event is
    /// already held (the unique indexes decide, so concurrent repeats hold it once).
    static func hold(_ report: ReceiptReport, deliveryID: String?, db: PostgresConnection, logger: Logger) async throws
        -> ReceiptOutcome
    {
        var providerMessageID: String?
        if case .providerMessageID(let id) = report.reference { providerMessageID = id }
        let rows = try await db.query(
            """
            INSERT INTO unmatched_receipts
                (provider_message_id, delivery_id, status, provider, provider_event_id, occurred_at, received_at, detail,
                 part_index, part_count, free_of_charge)
            VALUES (\(providerMessageID), \(deliveryID), \(report.state.rawValue), \(report.provider), \(report.providerEventID),
                    \(StoreTime.millis(report.occurredAt)), \(StoreTime.millis(report.receivedAt)), \(report.detail),
                    \(report.part?.index), \(report.part?.count), \(report.freeOfCharge))
            ON CONFLICT DO NOTHING
            RETURNING 1
            """, logger: logger
        ).collect()
        return rows.isEmpty ? .duplicate : .held
    }

    /// Takes the receipts held for these written outcomes (by delivery id, or by the provider
    /// message id the outcome now carries) in one statement and applies them in arrival order,
    /// inside the caller's transaction. Returns what each did.
    static func applyHeldReceipts(
        for outcomes: [(deliveryID: String, providerMessageID: String?)], db: PostgresConnection, logger: Logger,
        log: Logger
    ) async throws -> [ReceiptOutcome] {
        guard !outcomes.isEmpty else { return [] }
        let ids = outcomes.map(\.deliveryID)
        let providerIDs = outcomes.compactMap(\.providerMessageID)
        let rows = try await db.query(
            """
            DELETE FROM unmatched_receipts
            WHERE delivery_id = ANY(\(ids)) OR provider_message_id = ANY(\(providerIDs))
            RETURNING \(unescaped: heldColumns)
            """, logger: logger
        ).collect()
        guard !rows.isEmpty else { return [] }
        let byProviderID = Dictionary(
            outcomes.compactMap { o in o.providerMessageID.map { ($0, o.deliveryID) } }, uniquingKeysWith: { first, _ in first })
        var held: [(id: Int64, deliveryID: String, report: ReceiptReport)] = []
        for row in rows {
            let (id, providerID, deliveryID, status, provider, eventID, occurred, received, detail, partIndex, partCount, free) = try row.decode(
                (Int64, String?, String?, String, String?, String?, Int64?, Int64, String?, Int?, Int?, Bool).self)
            guard let state = DeliveryState(rawValue: status),
                let target = deliveryID.flatMap({ ids.contains($0) ? $0 : nil }) ?? providerID.flatMap({ byProviderID[$0] })
            else { continue }
            var report = ReceiptReport(
                reference: providerID.map { .providerMessageID($0) } ?? .deliveryID(target), state: state, provider: provider,
                providerEventID: eventID, occurredAt: occurred.map(StoreTime.date), receivedAt: StoreTime.date(received),
                detail: detail, part: partIndex.flatMap { index in partCount.flatMap { ReceiptReport.Part(index: index, count: $0) } })
            report.freeOfCharge = free
            held.append((id, target, report))
        }
        var results: [ReceiptOutcome] = []
        for item in held.sorted(by: { $0.id < $1.id }) {
            let result = try await apply(item.report, deliveryID: item.deliveryID, db: db, logger: logger)
            StoreLog.heldReceiptApplied(log, deliveryID: item.deliveryID, state: item.report.state, outcome: result)
            results.append(result)
        }
        return results
    }

    /// Applies held receipts whose outcome has been written since they arrived, then deletes those
    /// received before `cutoff` (see ``Store/sweepUnmatchedReceipts(now:receivedBefore:)``). One
    /// node sweeps at a time; the others skip (the next sweep catches anything left).
    @discardableResult
    public func sweepUnmatchedReceipts(now: Date, receivedBefore cutoff: Date) async throws -> UnmatchedReceiptSweep {
        let logger = queryLogger
        let log = self.logger
        let final = DeliveryStateSQL.final
        let sweep = try await transaction("sweep unmatched receipts") { db -> UnmatchedReceiptSweep in
            var locked = false
            for try await got in try await db.query(
                "SELECT pg_try_advisory_xact_lock(\(PostgresSchema.LockKey.receiptSweep))", logger: logger
            ).decode(Bool.self) { locked = got }
            guard locked else { return UnmatchedReceiptSweep(matched: 0, purged: 0) }
            var pairs: [(deliveryID: String, providerMessageID: String?)] = []
            for try await pair in try await db.query(
                """
                SELECT d.id, d.provider_message_id FROM unmatched_receipts u JOIN deliveries d ON d.id = u.delivery_id
                WHERE d.state IN \(unescaped: final)
                UNION
                SELECT d.id, d.provider_message_id FROM unmatched_receipts u
                JOIN deliveries d ON d.provider_message_id = u.provider_message_id
                WHERE u.delivery_id IS NULL AND d.state IN \(unescaped: final)
                """, logger: logger
            ).decode((String, String?).self) { pairs.append((pair.0, pair.1)) }
            let results = try await Self.applyHeldReceipts(for: pairs, db: db, logger: logger, log: log)
            let purged = try await db.query(
                "DELETE FROM unmatched_receipts WHERE received_at < \(StoreTime.millis(cutoff)) RETURNING 1", logger: logger
            ).collect().count
            return UnmatchedReceiptSweep(matched: results.count, purged: purged)
        }
        StoreLog.swept(log, sweep, cutoff: cutoff)
        return sweep
    }
}

