import AccoladeCore
import Foundation
import GRDB
import Testing

@testable import AccoladeStores

/// A file migrated while `v13` still made the tall report rollups (a `report_rollups` table of
/// bucket × measure rows and triggers under the names the wide ones reuse), holding data, is
/// converted by `v14`: the old table and triggers go, the wide counters are rebuilt from the log,
/// and writes after the upgrade keep them.
@Suite("SQLite store: upgrade from the tall rollups")
struct SQLiteRollupUpgradeTests {
    @Test("v14 replaces a tall rollup table and its triggers on a file with data, and rebuilds the counters from the log")
    func upgradeWithData() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let store = try SQLiteStore(path: folder.path("accolade.sqlite"), logger: testLogger)
        try SQLiteSchema.migrator.migrate(store.pool, upTo: "v13")
        // What v13 left before the wide rollups: the tall table (with a counter) and a trigger
        // of the same name as a wide one, counting every message its own way.
        try await store.pool.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE report_rollups (bucket INTEGER NOT NULL, measure TEXT NOT NULL, value INTEGER NOT NULL,
                        PRIMARY KEY (bucket, measure)) WITHOUT ROWID;
                    INSERT INTO report_rollups VALUES (0, 'messages', 41);
                    CREATE TRIGGER report_rollups_message AFTER INSERT ON messages FOR EACH ROW BEGIN
                        INSERT INTO report_rollups VALUES (NEW.created_at / 900000, 'messages', 1)
                        ON CONFLICT (bucket, measure) DO UPDATE SET value = report_rollups.value + 1;
                    END;
                    """)
        }
        let ids = try await StoreRollupContractTests.journey(store)

        try await store.migrate()

        let triggerSQL = try await store.pool.read {
            try String.fetchOne($0, sql: "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'report_rollups_message'")
        }
        #expect(triggerSQL?.contains("report_rollup_pending") == true, "the old trigger was not replaced: \(triggerSQL ?? "none")")
        let columns = try await store.pool.read { try Row.fetchAll($0, sql: "PRAGMA table_info(report_rollups)").map { $0["name"] as String } }
        #expect(columns.contains("grain") && !columns.contains("measure"))
        try await StoreRollupContractTests.expectUpgradedCounters(store, voucher: ids.voucher)
    }
}
