import AccoladeCore
import Foundation
import PostgresNIO

extension PostgresStore {
    /// Failed deliveries of a time range grouped by channel and reason: one range of the
    /// `deliveries_state_updated (state, updated_at)` index, so it reads the period's failed
    /// rows only. The exact texts are grouped here, normalised and merged in Swift.
    public func failureReasons(since: Date, until: Date, limit: Int) async throws -> [FailureReason] {
        guard limit > 0, since < until else { return [] }
        var binds = PostgresBindings()
        binds.append(StoreTime.millis(since))
        binds.append(StoreTime.millis(until))
        binds.append(Int64(FailureReason.maximumRawGroups))
        binds.append(FailureReason.traceMarker)
        let sql = """
            SELECT channel, substr(split_part(COALESCE(last_error, ''), $4, 1), 1, \(FailureReason.maximumRawReasonLength)) AS reason, COUNT(*)::bigint AS n
            FROM deliveries
            WHERE state = 'failed' AND updated_at >= $1 AND updated_at < $2
            GROUP BY channel, reason
            ORDER BY n DESC, channel, reason
            LIMIT $3
            """
        let raw = try await rows("read failure reasons", PostgresQuery(unsafeSQL: sql, binds: binds)).map { row in
            let (channel, reason, count) = try row.decode((String, String, Int64).self)
            return FailureReason(channel: channel, reason: reason, count: count)
        }
        return FailureReasonNormaliser.merge(raw, limit: limit)
    }
}
