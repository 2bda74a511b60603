import AccoladeCore
import Foundation
import Logging
import Testing

@testable import AccoladeStores

/// Makes a fresh, migrated store for one test. Every backend adds one factory to ``all`` and
/// then runs the whole contract suite (`StoreContractTests`) unchanged.
struct StoreFactory: Sendable, CustomTestStringConvertible {
    /// A store plus whatever removes it afterwards.
    struct Handle: Sendable {
        var store: any Store
        var cleanup: @Sendable () async -> Void
    }

    var name: String
    var make: @Sendable () async throws -> Handle
    /// Set when this backend cannot run here: ``withStore(_:)`` then records why instead of running.
    var unavailable = false

    var testDescription: String { name }

    /// The backends under test: SQLite always, and PostgreSQL always listed. Without
    /// `ACCOLADE_TEST_POSTGRES_URL` (`eval "$(scripts/postgres-test-cluster.sh start)"`) the
    /// PostgreSQL case of every contract test records a known issue saying so, or fails when
    /// `ACCOLADE_REQUIRE_POSTGRES=1` (as `scripts/test.sh` sets): never a silent pass on SQLite alone.
    static let all: [StoreFactory] = [.sqlite, postgres ?? postgresUnavailable]

    /// A SQLite file in its own temporary folder.
    static let sqlite = StoreFactory(name: "sqlite") {
        let folder = TemporaryFolder()
        let store = try SQLiteStore(path: folder.path("accolade.sqlite"), logger: testLogger)
        try await store.migrate()
        return Handle(store: store) {
            try? store.close()
            folder.remove()
        }
    }

    /// A fresh database on the test server for each test (so tests run in parallel and advisory
    /// locks never cross tests), dropped afterwards; nil when no server is configured. Leases
    /// follow the callers' fixed clock so the contract tests can step time; the server's clock
    /// is tested on its own (`PostgresStoreTests`).
    static let postgres: StoreFactory? = PostgresTestServer.shared.map { server in
        StoreFactory(name: "postgres") {
            let database = try await server.createDatabase()
            do {
                let store = try await PostgresStore.open(
                    url: server.url(database: database), logger: testLogger, maximumConnections: 6, leaseClock: .caller
                ).started()
                return Handle(store: store) {
                    await store.stop()
                    await server.dropDatabase(database)
                }
            } catch {
                await server.dropDatabase(database)
                throw error
            }
        }
    }

    /// Stands in for PostgreSQL when no server is configured.
    static let postgresUnavailable = StoreFactory(name: "postgres", make: { throw PostgresTestServer.Unavailable() }, unavailable: true)

    /// Runs `body` with a fresh store and removes it afterwards, even when `body` throws; for an
    /// unavailable backend, records that the test did not run on it (see ``all``).
    func withStore(sourceLocation: SourceLocation = #_sourceLocation, _ body: (any Store) async throws -> Void) async throws {
        if unavailable {
            PostgresTestServer.recordUnavailable(sourceLocation: sourceLocation)
            return
        }
        let handle = try await make()
        do {
            try await body(handle.store)
        } catch {
            await handle.cleanup()
            throw error
        }
        await handle.cleanup()
    }
}

/// A logger that discards everything, so test output stays readable.
let testLogger = Logger(label: "accolade.stores.tests") { _ in SwiftLogNoOpLogHandler() }

/// A unique folder under the system temporary directory.
struct TemporaryFolder: Sendable {
    let url: URL

    init() {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("accolade-store-tests", isDirectory: true)
            .appendingPathComponent(UUID().uuidString, isDirectory: true)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// The PostgreSQL server named by `ACCOLADE_TEST_POSTGRES_URL`, used as an administrator to make
/// and drop one database per test.
struct PostgresTestServer: Sendable {
    /// Why a PostgreSQL test did not run.
    struct Unavailable: Error, CustomStringConvertible {
        var description: String {
            "PostgreSQL not tested: ACCOLADE_TEST_POSTGRES_URL is unset (scripts/test.sh starts a cluster; by hand: "
                + #"eval "$(scripts/postgres-test-cluster.sh start)")"#
        }
    }

    /// True when a run must test PostgreSQL (`ACCOLADE_REQUIRE_POSTGRES=1`, set by `scripts/test.sh`).
    static var isRequired: Bool { ProcessInfo.processInfo.environment["ACCOLADE_REQUIRE_POSTGRES"] == "1" }

    /// Records that a PostgreSQL test did not run: a failure when PostgreSQL is required, else a
    /// known issue, which the test output lists (a skip nobody sees is a pass nobody earned).
    static func recordUnavailable(sourceLocation: SourceLocation = #_sourceLocation) {
        let reason = Unavailable().description
        if isRequired {
            Issue.record("\(reason), but ACCOLADE_REQUIRE_POSTGRES=1", sourceLocation: sourceLocation)
        } else {
            withKnownIssue(sourceLocation: sourceLocation) {
                Issue.record(Comment(rawValue: reason), sourceLocation: sourceLocation)
            }
        }
    }

    /// The server for a test that needs one, or nil after ``recordUnavailable(sourceLocation:)``.
    static func forTest(sourceLocation: SourceLocation = #_sourceLocation) -> PostgresTestServer? {
        if let shared { return shared }
        recordUnavailable(sourceLocation: sourceLocation)
        return nil
    }

    /// The server, or nil when the variable is unset or empty.
    static let shared: PostgresTestServer? = {
        guard let url = ProcessInfo.processInfo.environment["ACCOLADE_TEST_POSTGRES_URL"], !url.isEmpty else {
            return nil
        }
        do {
            return PostgresTestServer(adminURL: url, admin: try PostgresStore(url: url, logger: testLogger, maximumConnections: 4).started())
        } catch {
            fatalError("ACCOLADE_TEST_POSTGRES_URL is unusable: \(error)")
        }
    }()

    let adminURL: String
    /// Never migrated: only its connection pool is used, for CREATE/DROP DATABASE. It runs until
    /// the test process exits.
    let admin: PostgresStore

    /// Creates an empty database with a random name and returns the name.
    func createDatabase() async throws -> String {
        let name = "accolade_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        try await admin.execute(sql: "CREATE DATABASE \(name)", operation: "create a test database")
        return name
    }

    /// Drops a test database, disconnecting anyone still using it.
    func dropDatabase(_ name: String) async {
        try? await admin.execute(sql: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)", operation: "drop a test database")
    }

    /// The admin URL pointing at another database.
    func url(database: String) -> String {
        var components = URLComponents(string: adminURL)!
        components.path = "/" + database
        return components.string!
    }
}
