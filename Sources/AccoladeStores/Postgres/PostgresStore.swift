import AccoladeCore
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// The shared ``Store``: one PostgreSQL database serving any number of API nodes and workers.
///
/// Concurrency control is PostgreSQL's own: claims lock rows with `FOR UPDATE SKIP LOCKED`, so
/// claimers never wait on each other nor see the same row; completions are compare-and-set on
/// the lease owner; idempotency keys are a unique index; one sweeper at a time rescues expired
/// leases under an advisory lock. Times are `BIGINT` milliseconds (see ``StoreTime``).
///
/// The store is a `Service`: its connection pool works while ``run()`` runs, which the process's
/// `ServiceGroup` does (listed before the services that use the store, so a graceful shutdown stops
/// it last, after the worker has written its outcomes). Queries made before it runs wait for it;
/// once it has stopped they fail. After commits that make deliveries claimable it sends
/// `NOTIFY accolade_deliveries` (``wakeUpChannel``) so idle workers can be woken without polling.
public final class PostgresStore: Store, Service {
    /// The `LISTEN`/`NOTIFY` channel signalled when deliveries become claimable.
    public static let wakeUpChannel = "accolade_deliveries"

    /// Whose clock lease expiries are set and compared with.
    public enum LeaseClock: Sendable, Hashable {
        /// The database server's (`clock_timestamp()`): workers on machines with skewed clocks
        /// can neither steal live claims nor keep dead ones. The default.
        case database
        /// The `now` each call passes: for tests that drive time with a fixed clock.
        case caller
    }

    /// Whose clock leases use.
    public let leaseClock: LeaseClock

    /// The connection target, without its password in any printed form (see ``PostgresStoreURL/redacted``).
    public let url: PostgresStoreURL
    let client: PostgresClient
    let logger: Logger
    /// PostgresNIO logs statements and their binds at debug level; binds hold message data, so
    /// the driver only gets to say warnings and errors.
    let queryLogger: Logger
    /// The TLS context of single connections (start-up check, `LISTEN`; the pool makes its own
    /// from the same settings); nil for plain TCP.
    let tlsContext: NIOSSLContext?

    /// Parses `url` and sets up the connection pool; nothing connects until ``run()`` runs and a
    /// query needs a connection.
    ///
    /// Call ``migrate()`` (with the store running) before anything else, or use
    /// ``open(url:logger:maximumConnections:leaseClock:)``.
    /// - Parameter maximumConnections: pool size; each connection is one server backend.
    /// - Throws: ``PostgresStoreError/invalidURL(part:reason:)``, or
    ///   ``PostgresStoreError/unusableTLSFile(option:path:reason:)`` when a certificate or key
    ///   named by the URL cannot be read.
    public init(url: String, logger: Logger, maximumConnections: Int = 20, leaseClock: LeaseClock = .database) throws {
        let parsed = try PostgresStoreURL(url)
        self.url = parsed
        self.leaseClock = leaseClock
        self.logger = logger
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .warning)
        self.queryLogger = quiet
        let tls = try parsed.tlsConfiguration()
        self.tlsContext = try parsed.tlsContext(tls)
        var configuration = PostgresClient.Configuration(
            host: parsed.host, port: parsed.port, username: parsed.user, password: parsed.password,
            database: parsed.database, tls: tls.map { PostgresClient.Configuration.TLS.require($0) } ?? .disable)
        configuration.options.maximumConnections = max(1, maximumConnections)
        configuration.options.connectTimeout = .seconds(10)
        self.client = PostgresClient(configuration: configuration, backgroundLogger: quiet)
        logger.debug("opened PostgreSQL store", metadata: ["store.url": "\(parsed.redacted)"])
    }

    /// Connects once, failing fast with the real reason, and applies pending migrations over that
    /// one connection: what `accolade serve`, `worker` and the other commands call at start. The
    /// pool is not running yet; run the returned store (``run()``) while it is used.
    public static func open(
        url: String, logger: Logger, maximumConnections: Int = 20, leaseClock: LeaseClock = .database
    ) async throws -> PostgresStore {
        let store = try PostgresStore(url: url, logger: logger, maximumConnections: maximumConnections, leaseClock: leaseClock)
        let applied = try await store.withDirectConnection("migrate the schema") { connection in
            try await connection.withTransaction(logger: store.queryLogger) { db in
                try await Self.applyMigrations(db, logger: store.queryLogger)
            }
        }
        store.logMigrated(applied)
        return store
    }

    /// Runs the connection pool until the task is cancelled or the service group shuts down
    /// gracefully; then every connection is closed and later queries fail.
    public func run() async {
        await client.run()
    }

    /// Applies pending migrations in one transaction under an advisory lock, so concurrent
    /// starters (several nodes booting at once) wait for each other and apply each migration once.
    public func migrate() async throws {
        let applied = try await transaction("migrate the schema") { db in
            try await Self.applyMigrations(db, logger: self.queryLogger)
        }
        logMigrated(applied)
    }

    /// Applies pending migrations up to and including `version`, as ``migrate()`` does the
    /// whole list: for tests that need a database as an older release left it (upgrade tests).
    func migrate(upTo version: String) async throws {
        precondition(PostgresSchema.migrations.contains { $0.name == version }, "no PostgreSQL migration named \(version)")
        let applied = try await transaction("migrate the schema") { db in
            try await Self.applyMigrations(db, logger: self.queryLogger, upTo: version)
        }
        logMigrated(applied)
    }

    /// The migration steps inside a caller's transaction, all or those up to and including
    /// `upTo`; returns the names applied.
    private static func applyMigrations(_ db: PostgresConnection, logger: Logger, upTo last: String? = nil) async throws -> [String] {
        let known = PostgresSchema.migrations.map(\.name)
        let now = StoreTime.millis(Date())
        try await db.query("SELECT pg_advisory_xact_lock(\(PostgresSchema.LockKey.migrate))", logger: logger)
        try await db.query(PostgresQuery(unsafeSQL: PostgresSchema.createMigrationsTable), logger: logger)
        var done: [String] = []
        for try await version in try await db.query("SELECT version FROM schema_migrations", logger: logger).decode(String.self) {
            done.append(version)
        }
        if done.contains(where: { !known.contains($0) }) {
            throw PostgresStoreError.schemaTooNew(applied: done.sorted(), known: known)
        }
        var wanted = PostgresSchema.migrations[...]
        if let last, let end = wanted.firstIndex(where: { $0.name == last }) { wanted = wanted[...end] }
        var applied: [String] = []
        for migration in wanted where !done.contains(migration.name) {
            for statement in migration.statements {
                try await db.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
            try await db.query(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (\(migration.name), \(now))", logger: logger)
            applied.append(migration.name)
        }
        return applied
    }

    private func logMigrated(_ applied: [String]) {
        if !applied.isEmpty {
            logger.info(
                "migrated PostgreSQL store",
                metadata: ["store.url": "\(url.redacted)", "store.migrations": "\(applied.joined(separator: ","))"])
        }
    }

    /// Opens one connection outside the pool and closes it again, failing fast with the real
    /// reason (refused, authentication, unknown database, TLS). The pool instead retries a failing
    /// server for about a minute and then reports only that its circuit breaker tripped.
    /// - Throws: ``PostgresStoreError/cannotConnect(endpoint:reason:)``.
    public func checkConnection() async throws {
        try await withDirectConnection("connect") { _ in }
    }

    /// Runs `body` on one connection of its own, outside the pool (which need not be running).
    /// Failing to connect throws ``PostgresStoreError/cannotConnect(endpoint:reason:)``.
    private func withDirectConnection<Result: Sendable>(
        _ operation: String, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: connectionConfiguration(), id: 0, logger: queryLogger)
        } catch {
            let wrapped = PostgresStoreError.wrap(error, operation: "connect", endpoint: url.endpoint)
            if case PostgresStoreError.queryFailed(_, let reason, _) = wrapped {
                throw PostgresStoreError.cannotConnect(endpoint: url.endpoint, reason: reason)
            }
            throw wrapped
        }
        do {
            let result = try await body(connection)
            try? await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw PostgresStoreError.wrap(error, operation: operation, endpoint: url.endpoint)
        }
    }

    /// The settings of a connection outside the pool (start-up check, `LISTEN`): same target and TLS.
    func connectionConfiguration() -> PostgresConnection.Configuration {
        var configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database,
            tls: tlsContext.map { PostgresConnection.Configuration.TLS.require($0) } ?? .disable)
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    // MARK: Plumbing shared by the extensions

    /// Runs `body` in a transaction (READ COMMITTED), mapping driver errors to ``PostgresStoreError``.
    func transaction<Result: Sendable>(
        _ operation: String, _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> Result {
        do {
            return try await client.withTransaction(logger: queryLogger, body)
        } catch {
            throw PostgresStoreError.wrap(error, operation: operation, endpoint: url.endpoint)
        }
    }

    /// Runs one statement that changes data in an explicit transaction and returns every row,
    /// once the server has acknowledged the `COMMIT`.
    ///
    /// An autocommit statement is not enough: PostgreSQL commits it only when it processes the
    /// `Sync` after the statement's results, and PostgresNIO reports success as soon as the
    /// results arrive. A server restarted in between (`pg_ctl restart -m fast` terminates its
    /// backends) rolls the statement back while the caller believes it applied — measured in
    /// `scripts/chaos.sh`: an outcome write that "succeeded" was lost and the delivery sent again.
    /// `COMMIT`'s own answer is sent only after the commit, so it cannot lie that way.
    func write(_ operation: String, _ query: PostgresQuery) async throws -> [PostgresRow] {
        try await transaction(operation) { db in try await db.query(query, logger: self.queryLogger).collect() }
    }

    /// Runs one read-only statement on its own (autocommit) and returns every row. Statements
    /// that change data go through ``write(_:_:)``.
    func rows(_ operation: String, _ query: PostgresQuery) async throws -> [PostgresRow] {
        do {
            return try await client.query(query, logger: queryLogger).collect()
        } catch {
            throw PostgresStoreError.wrap(error, operation: operation, endpoint: url.endpoint)
        }
    }

    /// The lease clock in milliseconds as an SQL expression: the server's clock, or the
    /// caller's `now` as a literal (a number we make, never input).
    func leaseClockSQL(_ now: Date) -> String {
        switch leaseClock {
        case .database: "(extract(epoch from clock_timestamp()) * 1000)::bigint"
        case .caller: "\(StoreTime.millis(now))::bigint"
        }
    }

    /// Signals idle workers when this transaction commits (PostgreSQL holds NOTIFY until then).
    static func notify(_ db: PostgresConnection, logger: Logger) async throws {
        try await db.query(PostgresQuery(unsafeSQL: "NOTIFY \(wakeUpChannel)"), logger: logger)
    }
}

extension PostgresStore {
    /// Runs one administrative statement (e.g. `CREATE DATABASE`) outside any transaction.
    /// For tooling and tests; never pass untrusted text.
    func execute(sql: String, operation: String) async throws {
        _ = try await rows(operation, PostgresQuery(unsafeSQL: sql))
    }
}

extension PostgresStore {
    /// The migrations applied to the database, in migration order (empty before the first ``migrate()``).
    public func appliedMigrations() async throws -> [String] {
        let exists = try await rows(
            "read applied migrations", "SELECT to_regclass('schema_migrations') IS NOT NULL"
        ).first?.decode(Bool.self) ?? false
        guard exists else { return [] }
        // In migration order: `v10` after `v9`, not after `v1` as text would sort it.
        return try await rows(
            "read applied migrations", "SELECT version FROM schema_migrations ORDER BY length(version), version")
            .map { try $0.decode(String.self) }
    }
}

extension PostgresStore {
    /// See ``PostgresStoreError/fault``; driver errors that were not wrapped count as transient.
    public func fault(of error: any Error) -> StoreFault {
        (error as? PostgresStoreError)?.fault ?? .transient
    }
}
