import AccoladeCore
import Foundation
import GRDB

extension SQLiteStore {
    /// Sums the rollups of each period: each is read as its ``RollupGrains/cover(_:)`` (whole
    /// UTC days, six hours, hours and quarter-hours, some taken away), every distinct piece once
    /// (``RollupSQL/ReadPlan``), the pieces passed as one JSON array and joined, so the primary
    /// key's leading `(grain, bucket)` serves each piece as one index range.
    ///
    /// Rows still pending (``RollupSQL/Pending``: appended by a write that has not folded them)
    /// are added in the same read transaction, each to every piece whose buckets hold its
    /// quarter-hour whatever the piece's grain, so the figures are exact either way.
    public func reportRollups(periods: [Range<Int64>], by: [ReportDimension]) async throws -> [RollupRow] {
        let plan = RollupSQL.ReadPlan(periods: periods)
        guard !plan.pieces.isEmpty else { return [] }
        let ranges = try JSONValue.array(
            plan.pieces.enumerated().map { i, piece in
                .array([.int(Int64(i)), .int(piece.grain), .int(piece.buckets.lowerBound), .int(piece.buckets.upperBound)])
            }
        ).jsonText()
        let columns = by.filter { $0 != .channel }
        let dims = columns.map { ", r.\($0.rawValue)" }.joined()
        let sql = """
            SELECT json_extract(p.value, '$[0]') AS piece, r.channel\(dims), \(RollupSQL.sums)
            FROM json_each(?) p JOIN report_rollups r
                ON r.grain = json_extract(p.value, '$[1]')
                AND r.bucket >= json_extract(p.value, '$[2]') AND r.bucket < json_extract(p.value, '$[3]')
            GROUP BY 1, r.channel\(dims), r.currency
            """
        // At most a few hundred rows (``RollupSQL/Pending/foldAt``), read once by quarter-hour
        // and added to every piece holding it.
        let pendingSQL = """
            SELECT r.bucket, r.channel\(dims), \(RollupSQL.sums)
            FROM \(RollupSQL.Pending.table) r GROUP BY r.bucket, r.channel\(dims), r.currency
            """
        let width = RollupSQL.columns.count
        return try await pool.read { db in
            var sums: [RollupSQL.RollupKey: Int64] = [:]
            func unpack(_ row: Row, pieces: [Int]) {
                let channel: String = row[1]
                var values: [String: String] = [:]
                for (i, d) in columns.enumerated() { values[d.rawValue] = row[2 + i] }
                let n = 2 + columns.count
                let dimensions = by.map { $0 == .channel ? channel : values[$0.rawValue] ?? "-" }
                let numbers: [Int64] = (0..<width).map { row[n + 1 + $0] }
                for piece in pieces {
                    plan.unpack(piece: piece, channel: channel, dimensions: dimensions, currency: row[n], values: numbers, into: &sums)
                }
            }
            let cursor = try Row.fetchCursor(db, sql: sql, arguments: [ranges])
            while let row = try cursor.next() { unpack(row, pieces: [row[0]]) }
            // A file before `v16` has no pending rows.
            guard try db.tableExists(RollupSQL.Pending.table) else { return RollupSQL.rows(sums) }
            let pending = try Row.fetchCursor(db, sql: pendingSQL)
            while let row = try pending.next() {
                let bucket: Int64 = row[0]
                unpack(row, pieces: plan.pieces.indices.filter { plan.pieces[$0].buckets.contains(bucket) })
            }
            return RollupSQL.rows(sums)
        }
    }

    /// Recomputes the rollups from the log in one write transaction; pending rows go too (the
    /// log they came from is counted anew).
    public func rebuildReportRollups() async throws {
        try await pool.write { db in
            for statement in [RollupSQL.Pending.clear] + RollupSQL.rebuild(.sqlite) { try db.execute(sql: statement) }
        }
    }
}
