import AccoladeCore
import Foundation
import Logging
import PostgresNIO

extension PostgresStore {
    /// Refreshes the planner statistics of the queue tables when they are missing or far behind.
    ///
    /// A freshly created or bulk-loaded `deliveries` table has no statistics until autovacuum
    /// gets to it (up to a minute, per `autovacuum_naptime`). Meanwhile the planner guesses a
    /// few dozen due rows and answers a claim by reading and sorting *every* due row instead of
    /// walking `deliveries_due` for `LIMIT n` entries, so a claim costs in proportion to the
    /// backlog, not the batch. The lease sweeper calls this after each sweep, so it runs every few
    /// seconds on some worker; one cheap catalogue read decides, and an advisory lock lets one node
    /// at a time pay for the `ANALYZE` while the others go on claiming.
    ///
    /// Returns whether it analysed.
    @discardableResult
    public func refreshStatisticsIfStale() async throws -> Bool {
        let stale = try await rows(
            "read table statistics",
            """
            SELECT c.reltuples::float8, s.n_mod_since_analyze::bigint
            FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid
            WHERE c.oid = 'deliveries'::regclass
            """
        ).first.map { row -> Bool in
            let (tuples, modified) = try row.decode((Double, Int64).self)
            return Self.statisticsAreStale(analysedTuples: tuples, modifiedSinceAnalyse: modified)
        } ?? false
        guard stale else { return false }
        let analysed = try await transaction("analyse the queue tables") { db -> Bool in
            let locked = try await db.query(
                "SELECT pg_try_advisory_xact_lock(\(PostgresSchema.LockKey.analyze))", logger: self.queryLogger
            ).collect().first?.decode(Bool.self) ?? false
            guard locked else { return false }
            try await db.query("ANALYZE deliveries, messages", logger: self.queryLogger)
            return true
        }
        if analysed { logger.debug("refreshed planner statistics of the queue tables") }
        return analysed
    }

    /// Pure rule of ``refreshStatisticsIfStale()``: never analysed (`reltuples` is -1) with some
    /// rows, or changed by more than four times the rows last analysed. A running queue changes
    /// each delivery three times (insert, claim, outcome), so steady work alone rarely triggers it;
    /// autovacuum's per-table thresholds (migration v2) cover the steady state.
    static func statisticsAreStale(analysedTuples: Double, modifiedSinceAnalyse: Int64) -> Bool {
        if analysedTuples < 0 { return modifiedSinceAnalyse >= 500 }
        return Double(modifiedSinceAnalyse) > 4 * analysedTuples + 2_000
    }
}
