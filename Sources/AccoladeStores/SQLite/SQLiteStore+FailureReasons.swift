import AccoladeCore
import Foundation
import GRDB

extension SQLiteStore {
    /// Failed deliveries of a time range grouped by channel and reason: one range of the
    /// `deliveries_state_updated (state, updated_at)` index, so it reads the period's failed
    /// rows only. The exact texts are grouped here, normalised and merged in Swift.
    public func failureReasons(since: Date, until: Date, limit: Int) async throws -> [FailureReason] {
        guard limit > 0, since < until else { return [] }
        let sql = """
            SELECT channel, substr(CASE WHEN instr(e, ?) > 0 THEN substr(e, 1, instr(e, ?) - 1) ELSE e END, 1, \(FailureReason.maximumRawReasonLength)) AS reason,
                COUNT(*) AS n
            FROM (SELECT channel, COALESCE(last_error, '') AS e FROM deliveries
                  WHERE state = 'failed' AND updated_at >= ? AND updated_at < ?)
            GROUP BY channel, reason
            ORDER BY n DESC, channel, reason
            LIMIT ?
            """
        let raw = try await pool.read { db in
            try Row.fetchAll(
                db, sql: sql,
                arguments: [FailureReason.traceMarker, FailureReason.traceMarker, StoreTime.millis(since), StoreTime.millis(until), FailureReason.maximumRawGroups]
            ).map { row in
                FailureReason(channel: row[0], reason: row[1], count: row[2])
            }
        }
        return FailureReasonNormaliser.merge(raw, limit: limit)
    }
}
