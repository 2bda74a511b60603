/// One table the SQLite → PostgreSQL copier moves, as data: adding a table to both schemas means
/// adding one entry to ``all`` (the copier refuses to run while SQLite has a table it does not list).
public struct CopyTable: Sendable, Hashable {
    /// The table's name, the same in both schemas.
    public var name: String
    /// Columns whose values identify the same row in both databases and never change after the
    /// row is written. A row already in PostgreSQL counts as copied only when all of them match,
    /// so a re-run skips what an earlier run copied but never mistakes a different row for it.
    public var identity: [String]
    /// The PostgreSQL identity column (`GENERATED ALWAYS AS IDENTITY`, or a column owning a
    /// sequence, as `inbox_feeds.change_mark`) whose values are copied as they are and whose
    /// sequence must then move past the largest copied value.
    public var generatedColumn: String?

    /// Creates an entry.
    public init(name: String, identity: [String], generatedColumn: String? = nil) {
        self.name = name
        self.identity = identity
        self.generatedColumn = generatedColumn
    }

    /// Every table of the schema, parents before children (foreign keys point up the list).
    public static let all: [CopyTable] = [
        CopyTable(name: "messages", identity: ["id", "fingerprint"]),
        CopyTable(name: "deliveries", identity: ["id", "message_id", "position"]),
        CopyTable(name: "attempts", identity: ["id", "delivery_id", "number", "started_at"], generatedColumn: "id"),
        CopyTable(name: "receipts", identity: ["id", "delivery_id", "status", "received_at"], generatedColumn: "id"),
        CopyTable(name: "suppressions", identity: ["channel", "address"]),
        CopyTable(name: "inbound_activity", identity: ["channel", "address"]),
        CopyTable(name: "unmatched_receipts", identity: ["id", "status", "received_at"], generatedColumn: "id"),
        CopyTable(name: "inbox_feeds", identity: ["recipient_key"], generatedColumn: "change_mark"),
        CopyTable(name: "inbox_items", identity: ["id", "recipient_key", "sequence", "delivery_id"]),
        CopyTable(name: "workflow_runs", identity: ["id", "workflow", "recipient_key", "created_at"]),
        CopyTable(name: "workflow_run_steps", identity: ["run_id", "ordinal", "step", "decided_at"]),
        CopyTable(name: "workflow_digests", identity: ["id", "workflow", "step", "digest_key"]),
        CopyTable(name: "workflow_digest_members", identity: ["digest_id", "ordinal", "run_id"]),
        CopyTable(name: "workflow_throttle_passes", identity: ["id", "workflow", "recipient_key", "passed_at"], generatedColumn: "id"),
        CopyTable(name: "email_soft_bounces", identity: ["address", "delivery_id", "at"]),
        CopyTable(name: "engagement_events", identity: ["recipient_key", "at", "kind", "cohort"]),
        CopyTable(name: "recipient_preferences", identity: ["recipient_key", "category", "channel"]),
        CopyTable(name: "message_redemptions", identity: ["message_id", "redeemed_at"]),
    ]

    /// SQLite tables never copied: the SQLite store's own bookkeeping, and `provider_pauses`,
    /// the live state of the workers that used the file (the new store's workers find out for
    /// themselves at their first attempt).
    /// `report_rollups` is derived: the copier rebuilds PostgreSQL's from the copied log, which
    /// also holds whatever `report_rollup_pending` (SQLite's rows not yet folded, a table
    /// PostgreSQL does not have) still held.
    static let sqliteInternal: Set<String> = ["grdb_migrations", "provider_pauses", "report_rollups", "report_rollup_pending"]
}

/// What the copier did with one table.
public struct CopyTableReport: Sendable, Hashable, Codable {
    /// The table.
    public var table: String
    /// Rows in the SQLite file.
    public var source: Int
    /// Rows inserted by this run.
    public var copied: Int
    /// Rows an earlier run (or another source) had already put there, verified identical.
    public var alreadyPresent: Int
    /// Rows in the PostgreSQL table after the copy.
    public var target: Int
}

/// Progress after each committed batch, for a progress line.
public struct CopyProgress: Sendable, Hashable {
    /// The table being copied.
    public var table: String
    /// Source rows handled so far in this table.
    public var done: Int
    /// Source rows of this table.
    public var total: Int
}
