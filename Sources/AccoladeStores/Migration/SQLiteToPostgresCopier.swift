import AccoladeCore
import Foundation
import GRDB
import Logging
import PostgresNIO

/// Copies every row of a SQLite store into a PostgreSQL store, so an installation can move to
/// PostgreSQL without losing its queue or its delivery log (`accolade store migrate-from-sqlite`).
///
/// - Reads one consistent SQLite snapshot (a WAL read transaction), so a stray writer cannot
///   tear the copy; tables go parents first (``CopyTable/all``) and rows in rowid order.
/// - Writes batches of ``batchSize`` rows, each in one PostgreSQL transaction with
///   `ON CONFLICT DO NOTHING`, and in the same transaction checks that every row of the batch is
///   now in PostgreSQL with the same identity columns. A batch is all or nothing, so an
///   interrupted copy is simply run again.
/// - Column lists come from the two catalogues and values travel as JSON records expanded with
///   `json_populate_recordset(NULL::table, …)`, which types every value by the target column:
///   a column added to both schemas later needs no change here.
/// - Identity columns keep their SQLite values (attempt order is the log's order), and their
///   sequences are moved past the largest copied value so new rows never collide.
public struct SQLiteToPostgresCopier: Sendable {
    /// The source store.
    public let source: SQLiteStore
    /// The target store, already migrated.
    public let target: PostgresStore
    /// Rows per PostgreSQL transaction.
    public let batchSize: Int
    let logger: Logger

    /// Creates a copier; nothing happens until ``copy(force:now:progress:)``.
    public init(source: SQLiteStore, target: PostgresStore, batchSize: Int = 1000, logger: Logger) {
        self.source = source
        self.target = target
        self.batchSize = max(1, batchSize)
        self.logger = logger
    }

    /// Copies every table and returns what happened to each.
    ///
    /// - Parameters:
    ///   - force: copy even while deliveries are `running` under leases that expire after `now`.
    ///   - progress: called after each committed batch.
    /// - Throws: ``CopyError`` (nothing of the failing batch is written), ``PostgresStoreError``,
    ///   or a GRDB error reading the file.
    public func copy(
        force: Bool = false, now: Date = Date(), progress: @Sendable (CopyProgress) -> Void = { _ in }
    ) async throws -> [CopyTableReport] {
        let snapshot = try source.pool.makeSnapshot()
        let plan = try await snapshot.read { db in try Self.plan(db, now: StoreTime.millis(now)) }
        if let live = plan.liveLeases, !force {
            throw CopyError.liveLeases(count: live.count, latestExpiry: ISOTime.format(StoreTime.date(live.latest)))
        }
        var reports: [CopyTableReport] = []
        for (table, columns, total) in plan.tables {
            let targetColumns = try await targetColumns(of: table.name)
            guard !targetColumns.isEmpty else { throw CopyError.missingTable(table.name, database: "PostgreSQL") }
            let missing = columns.filter { !targetColumns.contains($0) }
            guard missing.isEmpty else { throw CopyError.missingColumns(table: table.name, columns: missing) }

            var report = CopyTableReport(table: table.name, source: total, copied: 0, alreadyPresent: 0, target: 0)
            var after: Int64 = .min
            while true {
                let (name, from, limit) = (table.name, after, batchSize)
                let (records, last) = try await snapshot.read { db in
                    try Self.readBatch(db, table: name, columns: columns, after: from, limit: limit)
                }
                guard let last else { break }
                let inserted = try await writeBatch(table, columns: columns, records: records)
                report.copied += inserted
                report.alreadyPresent += records.count - inserted
                after = last
                progress(CopyProgress(table: table.name, done: report.copied + report.alreadyPresent, total: total))
            }
            if let generated = table.generatedColumn { try await advanceSequence(table: table.name, column: generated) }
            report.target = try await countTarget(table.name)
            // Each batch already proved its rows are there; this catches rows that went away since.
            guard report.copied + report.alreadyPresent == total, report.target >= total else {
                throw CopyError.countMismatch(table: table.name, source: total, target: report.target)
            }
            logger.debug(
                "copied a table from SQLite to PostgreSQL",
                metadata: [
                    "store.table": "\(table.name)", "store.source": "\(total)", "store.copied": "\(report.copied)",
                    "store.present": "\(report.alreadyPresent)",
                ])
            reports.append(report)
        }
        // The triggers counted the rows as they arrived, but a row copied in its final state never
        // made the moves that add latencies: recount everything from the copied log.
        try await target.rebuildReportRollups()
        return reports
    }

    // MARK: SQLite side (pure reads inside one snapshot)

    struct Plan: Sendable {
        var tables: [(CopyTable, columns: [String], rows: Int)]
        var liveLeases: (count: Int, latest: Int64)?
    }

    static func plan(_ db: Database, now: Int64) throws -> Plan {
        let present = try String.fetchAll(
            db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
        let known = Set(CopyTable.all.map(\.name))
        if let unknown = present.sorted().first(where: { !known.contains($0) && !CopyTable.sqliteInternal.contains($0) }) {
            throw CopyError.unknownTable(unknown)
        }
        var tables: [(CopyTable, columns: [String], rows: Int)] = []
        for table in CopyTable.all {
            guard present.contains(table.name) else { throw CopyError.missingTable(table.name, database: "the SQLite file") }
            let columns = try Row.fetchAll(db, sql: "PRAGMA table_info(\(table.name))").map { $0["name"] as String }
            let rows = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table.name)") ?? 0
            tables.append((table, columns, rows))
        }
        // Deliveries and workflow runs alike: either means a worker still uses the file.
        let live = try Row.fetchOne(
            db,
            sql: """
                SELECT COUNT(*), MAX(lease_expires_at) FROM (
                    SELECT lease_expires_at FROM deliveries WHERE state = 'running' AND lease_expires_at > ?1
                    UNION ALL
                    SELECT lease_expires_at FROM workflow_runs WHERE state = 'running' AND lease_expires_at > ?1)
                """,
            arguments: [now])
        let count: Int = live?[0] ?? 0
        return Plan(tables: tables, liveLeases: count > 0 ? (count, live?[1] ?? now) : nil)
    }

    /// Up to `limit` rows after rowid `after`, as JSON records, and the last rowid read (nil when none).
    static func readBatch(
        _ db: Database, table: String, columns: [String], after: Int64, limit: Int
    ) throws -> (records: [JSONValue], last: Int64?) {
        let list = columns.map { "\"\($0)\"" }.joined(separator: ", ")
        let rows = try Row.fetchAll(
            db, sql: "SELECT rowid, \(list) FROM \(table) WHERE rowid > ? ORDER BY rowid LIMIT ?", arguments: [after, limit])
        var records: [JSONValue] = []
        records.reserveCapacity(rows.count)
        for row in rows {
            var record: [String: JSONValue] = [:]
            for (i, column) in columns.enumerated() {
                record[column] = try json(row[i + 1] as DatabaseValue, table: table, column: column)
            }
            records.append(.object(record))
        }
        return (records, rows.last.map { $0[0] as Int64 })
    }

    static func json(_ value: DatabaseValue, table: String, column: String) throws -> JSONValue {
        switch value.storage {
        case .null: return .null
        case .int64(let v): return .int(v)
        case .double(let v): return .double(v)
        case .string(let v): return .string(v)
        case .blob: throw CopyError.unsupportedValue(table: table, column: column, kind: "BLOB")
        }
    }

    // MARK: PostgreSQL side

    /// Inserts one batch and proves every row is present; returns how many it inserted.
    func writeBatch(_ table: CopyTable, columns: [String], records: [JSONValue]) async throws -> Int {
        let json: String
        do {
            json = try JSONValue.array(records).jsonText()
        } catch {
            throw PostgresStoreError.unstorableValue(field: "\(table.name) rows", reason: "\(error)")
        }
        let list = columns.map { "\"\($0)\"" }.joined(separator: ", ")
        let overriding = table.generatedColumn == nil ? "" : "OVERRIDING SYSTEM VALUE"
        var binds = PostgresBindings()
        binds.append(json)
        let insert = PostgresQuery(
            unsafeSQL: """
                INSERT INTO \(table.name) (\(list)) \(overriding)
                SELECT \(list) FROM json_populate_recordset(NULL::\(table.name), $1::json)
                ON CONFLICT DO NOTHING
                RETURNING 1
                """, binds: binds)
        let match = table.identity.map { "t.\"\($0)\" IS NOT DISTINCT FROM s.\"\($0)\"" }.joined(separator: " AND ")
        let verify = PostgresQuery(
            unsafeSQL: """
                SELECT COUNT(*)::bigint, MIN(s."\(table.identity[0])"::text)
                FROM json_populate_recordset(NULL::\(table.name), $1::json) AS s
                WHERE NOT EXISTS (SELECT 1 FROM \(table.name) AS t WHERE \(match))
                """, binds: binds)
        let logger = target.queryLogger
        return try await target.transaction("copy \(table.name)") { db -> Int in
            let inserted = try await db.query(insert, logger: logger).collect().count
            let check = try await db.query(verify, logger: logger).collect().first
            let (missing, example) = try check?.decode((Int64, String?).self) ?? (Int64(0), nil)
            if missing > 0 {
                throw CopyError.conflictingRows(table: table.name, count: Int(missing), example: example ?? "?")
            }
            return inserted
        }
    }

    func targetColumns(of table: String) async throws -> Set<String> {
        Set(
            try await target.rows(
                "read the columns of \(table)",
                """
                SELECT column_name::text FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = \(table)
                """
            ).map { try $0.decode(String.self) })
    }

    func countTarget(_ table: String) async throws -> Int {
        let count = try await target.rows("count \(table)", PostgresQuery(unsafeSQL: "SELECT COUNT(*)::bigint FROM \(table)"))
            .first?.decode(Int64.self) ?? 0
        return Int(count)
    }

    /// Moves the identity sequence past the largest value now in the table.
    func advanceSequence(table: String, column: String) async throws {
        _ = try await target.rows(
            "advance the \(table).\(column) sequence",
            PostgresQuery(
                unsafeSQL: """
                    SELECT setval(pg_get_serial_sequence('\(table)', '\(column)'), m)
                    FROM (SELECT MAX("\(column)") AS m FROM \(table)) AS x WHERE m IS NOT NULL
                    """))
    }
}
