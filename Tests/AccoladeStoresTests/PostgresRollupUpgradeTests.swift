import AccoladeCore
import Foundation
import PostgresNIO
import Testing

@testable import AccoladeStores

/// The PostgreSQL twin of ``SQLiteRollupUpgradeTests``: a database migrated while `v14` still
/// made the tall report rollups (a `report_rollups` table of bucket × measure rows and a trigger
/// function and trigger under a name the wide ones reuse), holding data, is converted by `v15`:
/// the old table, function and trigger go, the wide counters are rebuilt from the log, and writes
/// after the upgrade keep them.
@Suite("PostgreSQL store: upgrade from the tall rollups")
struct PostgresRollupUpgradeTests {
    @Test("v15 replaces a tall rollup table and its trigger function on a database with data, and rebuilds the counters from the log")
    func upgradeWithData() async throws {
        guard let server = PostgresTestServer.forTest() else { return }  // recorded: a known issue, or a failure in CI
        let database = try await server.createDatabase()
        // Leases follow the fixtures' fixed clock, as in the contract suites the journey comes from.
        let store = try PostgresStore(
            url: server.url(database: database), logger: testLogger, maximumConnections: 4, leaseClock: .caller
        ).started()
        do {
            try await upgrade(store)
        } catch {
            Issue.record(error)
        }
        await store.stop()
        await server.dropDatabase(database)
    }

    private func upgrade(_ store: PostgresStore) async throws {
        try await store.migrate(upTo: "v14")
        #expect(try await store.appliedMigrations().last == "v14")
        // What v14 left before the wide rollups: the tall table (with a counter) and a trigger
        // function and trigger of the same name as a wide one, counting every message its own way.
        for statement in [
            """
            CREATE TABLE report_rollups (bucket BIGINT NOT NULL, measure TEXT NOT NULL, value BIGINT NOT NULL,
                PRIMARY KEY (bucket, measure))
            """,
            "INSERT INTO report_rollups VALUES (0, 'messages', 41)",
            """
            CREATE FUNCTION report_rollups_message() RETURNS trigger LANGUAGE plpgsql AS $fn$
            BEGIN
                INSERT INTO report_rollups VALUES (NEW.created_at / 900000, 'messages', 1)
                ON CONFLICT (bucket, measure) DO UPDATE SET value = report_rollups.value + 1;
                RETURN NULL;
            END
            $fn$
            """,
            "CREATE TRIGGER report_rollups_message AFTER INSERT ON messages FOR EACH ROW EXECUTE FUNCTION report_rollups_message()",
        ] {
            try await store.execute(sql: statement, operation: "make the tall rollups")
        }
        let ids = try await StoreRollupContractTests.journey(store)
        // The old trigger did count the journey's messages: the upgrade starts from real, stale counters.
        #expect(try await scalar(store, "SELECT sum(value)::bigint FROM report_rollups WHERE measure = 'messages'") == 43)

        try await store.migrate()
        #expect(try await store.appliedMigrations() == PostgresSchema.migrations.map(\.name))

        // The function of that name is the wide one now, and one trigger of that name calls it.
        let source = try await store.rows(
            "read the trigger function", "SELECT prosrc FROM pg_proc WHERE proname = 'report_rollups_message'"
        ).map { try $0.decode(String.self) }
        #expect(source.count == 1 && source[0].contains("grain"), "the old trigger function was not replaced: \(source)")
        #expect(
            try await scalar(
                store, "SELECT count(*) FROM pg_trigger WHERE tgname = 'report_rollups_message' AND tgrelid = 'messages'::regclass") == 1)
        let columns = try await store.rows(
            "read the rollup columns", "SELECT column_name::text FROM information_schema.columns WHERE table_name = 'report_rollups'"
        ).map { try $0.decode(String.self) }
        #expect(columns.contains("grain") && !columns.contains("measure"), "\(columns)")

        try await StoreRollupContractTests.expectUpgradedCounters(store, voucher: ids.voucher)
    }

    private func scalar(_ store: PostgresStore, _ sql: String) async throws -> Int64? {
        try await store.rows("read a count", PostgresQuery(unsafeSQL: sql)).first?.decode(Int64.self)
    }
}
