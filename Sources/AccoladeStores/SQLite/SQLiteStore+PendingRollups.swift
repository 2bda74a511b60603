import GRDB

extension SQLiteStore {
    /// A write transaction that ends by folding the report rollup rows pending
    /// (``RollupSQL/Pending``) once there are ``RollupSQL/Pending/foldAt`` of them: every write
    /// of the store goes through here, so the pending table stays under that between
    /// transactions.
    func writeFolding<T: Sendable>(_ updates: @Sendable (Database) throws -> T) async throws -> T {
        try await pool.write { db in
            let result = try updates(db)
            try Self.foldPendingRollups(db)
            return result
        }
    }

    /// Folds the pending rollup rows into the counters inside the caller's transaction when there
    /// are at least `atLeast`; nothing when the file predates `v16` (a store used between
    /// migration steps, as the upgrade tests do).
    static func foldPendingRollups(_ db: Database, atLeast: Int = RollupSQL.Pending.foldAt) throws {
        guard try db.tableExists(RollupSQL.Pending.table) else { return }
        let pending = try Int.fetchOne(db.cachedStatement(sql: RollupSQL.Pending.count)) ?? 0
        guard pending > 0, pending >= atLeast else { return }
        try db.cachedStatement(sql: RollupSQL.Pending.fold).execute()
        try db.cachedStatement(sql: RollupSQL.Pending.clear).execute()
    }
}
