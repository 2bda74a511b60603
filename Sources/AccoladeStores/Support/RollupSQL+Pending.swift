extension RollupSQL {
    /// SQLite's pending rollup rows (`report_rollup_pending`, SQLite `v16`): what the triggers
    /// append, folded into ``RollupSQL``'s grains at the end of a writing transaction once there
    /// are ``foldAt`` of them.
    ///
    /// A trigger that upserted its contribution at every grain cost an accepted outcome about
    /// twelve wide-row upserts (the delivery moved between two rows and its attempt's latency, at
    /// four grains). Appending one narrow-keyed row per contribution to a plain rowid table with
    /// no index is an append at the table's end; the fold then sums the transaction's rows per key
    /// and writes each distinct key once per grain, so a batch of 512 outcomes of a few templates
    /// writes a few dozen counter rows instead of six thousand.
    ///
    /// Reports stay exact whether or not a fold has run: the read adds the pending rows of each
    /// piece's buckets (``SQLiteStore/reportRollups(periods:by:)``), and a rebuild clears them. A
    /// write path that did not fold leaves its rows pending, counted, until the next fold.
    /// PostgreSQL keeps its per-row triggers: its writers run concurrently on sharded rows.
    enum Pending {
        /// The table's name.
        static let table = "report_rollup_pending"

        /// The table: ``RollupSQL``'s key columns less the grain (`bucket` is the quarter-hour),
        /// then every value column; no primary key or index, so an append touches one page.
        static var createTable: String {
            let dimensions = dimensionColumns.map { "    \($0) TEXT NOT NULL," }.joined(separator: "\n")
            let values = columns.map { "    \($0.name) INTEGER NOT NULL DEFAULT 0" }.joined(separator: ",\n")
            return """
                CREATE TABLE \(table) (
                    bucket    INTEGER NOT NULL,     -- UTC quarter-hour (ms / 900000)
                    shard     INTEGER NOT NULL,
                \(dimensions)
                    currency  TEXT NOT NULL,
                \(values)
                )
                """
        }

        /// The migration (SQLite `v16`): the table, and the triggers made again to append to it.
        static var migration: [String] {
            [createTable] + dropTriggers(.sqlite) + triggerStatements(.sqlite)
        }

        /// Adds every pending row to its counters at every grain: the rows summed per key first,
        /// then each sum upserted once per grain. Two quarter-hours of one hour (or day) meet in
        /// one upsert target; SQLite applies such a statement's rows one after the other, so the
        /// second adds to the row the first made.
        static let fold: String = {
            let names = columns.map(\.name)
            let keys = ["bucket", "shard"] + dimensionColumns + ["currency"]
            return """
                INSERT INTO report_rollups (\(keyColumns), \(names.joined(separator: ", ")))
                SELECT \((["g.grain", "k.bucket - k.bucket % g.grain"] + keys.dropFirst().map { "k.\($0)" } + names.map { "k.\($0)" }).joined(separator: ", "))
                FROM (SELECT \(keys.joined(separator: ", ")), \(names.map { "SUM(\($0)) AS \($0)" }.joined(separator: ", "))
                    FROM \(table) GROUP BY \(keys.joined(separator: ", "))) k
                CROSS JOIN \(grainsTable) g WHERE true
                ON CONFLICT (\(keyColumns)) DO UPDATE SET \(names.map { "\($0) = report_rollups.\($0) + excluded.\($0)" }.joined(separator: ", "))
                """
        }()

        /// Empties the table after a fold (or before a rebuild, which recomputes everything).
        static let clear = "DELETE FROM \(table)"

        /// How many rows are pending: the largest rowid, as rows are only appended and all
        /// deleted at once, after which SQLite numbers from 1 again (one index descent, no scan).
        static let count = "SELECT COALESCE(max(rowid), 0) FROM \(table)"

        /// The pending rows a write folds at: a transaction that leaves fewer leaves them for a
        /// later one. A worker's batch of outcomes appends far more and folds at once; a single
        /// receipt, inbox mark or API message appends one or two, and folding each alone cost
        /// more than the four upserts it replaces (5,000 single-message life cycles in sqlite3:
        /// 2.90 s folding every transaction, 2.47 s with the per-grain triggers, 1.91 s folding
        /// at 128 or 512). A report reads these few rows besides the counters.
        static let foldAt = 256
    }
}
