import AccoladeCore
import Foundation
import GRDB

extension SQLiteStore {
    /// Sums the rollups of each period (bucket ranges passed as one JSON array and joined, so the
    /// primary key's leading `bucket` serves each period as one index range).
    public func reportRollups(periods: [Range<Int64>], by: [ReportDimension]) async throws -> [RollupRow] {
        guard !periods.isEmpty else { return [] }
        let ranges = try JSONValue.array(periods.map { .array([.int($0.lowerBound), .int($0.upperBound)]) }).jsonText()
        let columns = by.filter { $0 != .channel }
        let dims = columns.map { ", r.\($0.rawValue)" }.joined()
        let sql = """
            SELECT p.key, r.channel\(dims), r.measure, r.currency, SUM(r.value)
            FROM json_each(?) p JOIN report_rollups r
                ON r.bucket >= json_extract(p.value, '$[0]') AND r.bucket < json_extract(p.value, '$[1]')
            GROUP BY p.key, r.channel\(dims), r.measure, r.currency
            HAVING SUM(r.value) <> 0
            """
        return try await pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: [ranges]).map { row in
                let channel: String = row[1]
                var values: [String: String] = [:]
                for (i, d) in columns.enumerated() { values[d.rawValue] = row[2 + i] }
                let n = 2 + columns.count
                return RollupRow(
                    period: row[0], channel: channel, dimensions: by.map { $0 == .channel ? channel : values[$0.rawValue] ?? "-" },
                    measure: row[n], currency: row[n + 1], value: row[n + 2])
            }
        }
    }

    /// Recomputes the rollups from the log in one write transaction.
    public func rebuildReportRollups() async throws {
        try await pool.write { db in
            for statement in RollupSQL.rebuild(.sqlite) { try db.execute(sql: statement) }
        }
    }
}
