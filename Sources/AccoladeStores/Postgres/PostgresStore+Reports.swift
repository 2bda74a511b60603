import AccoladeCore
import Foundation
import PostgresNIO

extension PostgresStore {
    /// Sums the rollups of each period (bucket ranges unnested and joined, so the primary key's
    /// leading `bucket` serves each period as one index range), over every shard.
    public func reportRollups(periods: [Range<Int64>], by: [ReportDimension]) async throws -> [RollupRow] {
        guard !periods.isEmpty else { return [] }
        let columns = by.filter { $0 != .channel }
        let dims = columns.map { ", r.\($0.rawValue)" }.joined()
        var binds = PostgresBindings()
        binds.append(periods.map(\.lowerBound))
        binds.append(periods.map(\.upperBound))
        let sql = """
            SELECT (p.ord - 1)::bigint, r.channel\(dims), r.measure, r.currency, SUM(r.value)::bigint
            FROM unnest($1::bigint[], $2::bigint[]) WITH ORDINALITY AS p(lo, hi, ord)
            JOIN report_rollups r ON r.bucket >= p.lo AND r.bucket < p.hi
            GROUP BY p.ord, r.channel\(dims), r.measure, r.currency
            HAVING SUM(r.value) <> 0
            """
        return try await rows("read report rollups", PostgresQuery(unsafeSQL: sql, binds: binds)).map { row in
            let c = row.makeRandomAccess()
            let channel = try c[1].decode(String.self)
            var values: [String: String] = [:]
            for (i, d) in columns.enumerated() { values[d.rawValue] = try c[2 + i].decode(String.self) }
            let n = 2 + columns.count
            return RollupRow(
                period: Int(try c[0].decode(Int64.self)), channel: channel,
                dimensions: by.map { $0 == .channel ? channel : values[$0.rawValue] ?? "-" },
                measure: try c[n].decode(String.self), currency: try c[n + 1].decode(String.self), value: try c[n + 2].decode(Int64.self))
        }
    }

    /// Recomputes the rollups from the log in one transaction; it locks the table first, so
    /// writes that would move a counter wait for the rebuild instead of being lost by it.
    public func rebuildReportRollups() async throws {
        let logger = queryLogger
        try await transaction("rebuild report rollups") { db in
            try await db.query("LOCK TABLE report_rollups IN EXCLUSIVE MODE", logger: logger)
            for statement in RollupSQL.rebuild(.postgres) {
                try await db.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
        }
    }
}
