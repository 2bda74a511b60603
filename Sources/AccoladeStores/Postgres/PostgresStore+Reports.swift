import AccoladeCore
import Foundation
import PostgresNIO

extension PostgresStore {
    /// Sums the rollups of each period over every shard: each period is read as its
    /// ``RollupGrains/cover(_:)`` (whole UTC days, six hours, hours and quarter-hours, some taken
    /// away), every distinct piece once (``RollupSQL/ReadPlan``), the pieces unnested and joined,
    /// so the primary key's leading `(grain, bucket)` serves each piece as one index range.
    ///
    /// The join is a `LATERAL` subquery with `OFFSET 0` (which keeps the planner from flattening
    /// it) because a plain join's estimate for bucket ranges from a parameter array is poor: the
    /// planner chose a parallel sequential scan of the whole table and a hash join, 381 ms for a
    /// 30-day report on the rollups of 10 M deliveries against 6 ms for the index scan per piece.
    /// JIT is off for it: the 79 sums' cost estimate passes `jit_above_cost`, and compiling them
    /// took 347 ms of a 445 ms read (90 days by day in +07:00), which runs in 98 ms without.
    public func reportRollups(periods: [Range<Int64>], by: [ReportDimension]) async throws -> [RollupRow] {
        let plan = RollupSQL.ReadPlan(periods: periods)
        guard !plan.pieces.isEmpty else { return [] }
        let columns = by.filter { $0 != .channel }
        let dims = columns.map { ", r.\($0.rawValue)" }.joined()
        var binds = PostgresBindings()
        binds.append(plan.pieces.indices.map(Int64.init))
        binds.append(plan.pieces.map(\.grain))
        binds.append(plan.pieces.map(\.buckets.lowerBound))
        binds.append(plan.pieces.map(\.buckets.upperBound))
        let sums = "r.currency, " + RollupSQL.columns.map { "SUM(r.\($0.name))::bigint" }.joined(separator: ", ")
        let sql = """
            SELECT p.piece, r.channel\(dims), \(sums)
            FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[]) AS p(piece, grain, lo, hi)
            CROSS JOIN LATERAL (SELECT * FROM report_rollups r WHERE r.grain = p.grain AND r.bucket >= p.lo AND r.bucket < p.hi OFFSET 0) r
            GROUP BY p.piece, r.channel\(dims), r.currency
            """
        let width = RollupSQL.columns.count
        var out: [RollupSQL.RollupKey: Int64] = [:]
        let logger = queryLogger
        let found = try await transaction("read report rollups") { db in
            try await db.query("SET LOCAL jit = off", logger: logger)
            return try await db.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger).collect()
        }
        for row in found {
            let c = row.makeRandomAccess()
            let channel = try c[1].decode(String.self)
            var values: [String: String] = [:]
            for (i, d) in columns.enumerated() { values[d.rawValue] = try c[2 + i].decode(String.self) }
            let n = 2 + columns.count
            plan.unpack(
                piece: Int(try c[0].decode(Int64.self)), channel: channel,
                dimensions: by.map { $0 == .channel ? channel : values[$0.rawValue] ?? "-" }, currency: try c[n].decode(String.self),
                values: try (0..<width).map { try c[n + 1 + $0].decode(Int64.self) }, into: &out)
        }
        return RollupSQL.rows(out)
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
