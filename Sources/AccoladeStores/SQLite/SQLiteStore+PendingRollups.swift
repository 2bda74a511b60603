import GRDB

extension SQLiteStore {
    /// A write transaction that ends by folding the report rollup rows its triggers appended
    /// (``RollupSQL/Pending``): every write of the store goes through here, so the pending table
    /// is empty between transactions and the report read's pending part stays a formality.
    func writeFolding<T: Sendable>(_ updates: @Sendable (Database) throws -> T) async throws -> T {
        try await pool.write { db in
            let result = try updates(db)
            try Self.foldPendingRollups(db)
            return result
        }
    }

    /// Folds the pending rollup rows into the counters inside the caller's transaction; nothing
    /// when none are pending, or when the file predates `v16` (a store used between migration
    /// steps, as the upgrade tests do).
    static func foldPendingRollups(_ db: Database) throws {
        guard try db.tableExists(RollupSQL.Pending.table) else { return }
        guard try Bool.fetchOne(db.cachedStatement(sql: RollupSQL.Pending.any)) == true else { return }
        try db.cachedStatement(sql: RollupSQL.Pending.fold).execute()
        try db.cachedStatement(sql: RollupSQL.Pending.clear).execute()
    }
}
