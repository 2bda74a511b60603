import AccoladeCore
import Foundation
import Logging
import PostgresNIO

/// The shared ``Store``: one PostgreSQL database serving any number of API nodes and workers.
///
/// Concurrency control is PostgreSQL's own: claims lock rows with `FOR UPDATE SKIP LOCKED`, so
/// claimers never wait on each other nor see the same row; completions are compare-and-set on
/// the lease owner; idempotency keys are a unique index; one sweeper at a time rescues expired
/// leases under an advisory lock. Times are `BIGINT` milliseconds (see ``StoreTime``).
///
/// The store owns a `PostgresClient` connection pool and the task running it; call ``close()``
/// when done. After commits that make deliveries claimable it sends `NOTIFY accolade_deliveries`
/// (``wakeUpChannel``) so idle workers can be woken without polling.
public final class PostgresStore: Store {
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
    private let runTask: Task<Void, Never>

    /// Parses `url` and starts the connection pool (connections open lazily, on first use).
    ///
    /// Call ``migrate()`` before anything else, or use ``open(url:logger:maximumConnections:)``.
    /// - Parameter maximumConnections: pool size; each connection is one server backend.
    /// - Throws: ``PostgresStoreError/invalidURL(part:reason:)``.
    public init(url: String, logger: Logger, maximumConnections: Int = 20, leaseClock: LeaseClock = .database) throws {
        let parsed = try PostgresStoreURL(url)
        self.url = parsed
        self.leaseClock = leaseClock
        self.logger = logger
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .warning)
        self.queryLogger = quiet
        let tls: PostgresClient.Configuration.TLS
        switch parsed.tls {
        // TLS goes here: `.require(.makeClientConfiguration())` with the CA from the config.
        case .disable: tls = .disable
        }
        var configuration = PostgresClient.Configuration(
            host: parsed.host, port: parsed.port, username: parsed.user, password: parsed.password,
            database: parsed.database, tls: tls)
        configuration.options.maximumConnections = max(1, maximumConnections)
        configuration.options.connectTimeout = .seconds(10)
        let client = PostgresClient(configuration: configuration, backgroundLogger: quiet)
        self.client = client
        self.runTask = Task { await client.run() }
        logger.debug("opened PostgreSQL store", metadata: ["store.url": "\(parsed.redacted)"])
    }

    /// Connects and applies pending migrations: what `accolade serve`, `worker` and the read-only
    /// commands call at start. Closes the pool again when migrating fails.
    public static func open(
        url: String, logger: Logger, maximumConnections: Int = 20, leaseClock: LeaseClock = .database
    ) async throws -> PostgresStore {
        let store = try PostgresStore(url: url, logger: logger, maximumConnections: maximumConnections, leaseClock: leaseClock)
        do {
            try await store.checkConnection()
            try await store.migrate()
        } catch {
            await store.close()
            throw error
        }
        return store
    }

    /// Stops the pool and closes every connection; later calls fail.
    public func close() async {
        runTask.cancel()
        await runTask.value
    }

    /// Applies pending migrations in one transaction under an advisory lock, so concurrent
    /// starters (several nodes booting at once) wait for each other and apply each migration once.
    public func migrate() async throws {
        let known = PostgresSchema.migrations.map(\.name)
        let now = StoreTime.millis(Date())
        let applied: [String] = try await transaction("migrate the schema") { db in
            try await db.query("SELECT pg_advisory_xact_lock(\(PostgresSchema.LockKey.migrate))", logger: self.queryLogger)
            try await db.query(PostgresQuery(unsafeSQL: PostgresSchema.createMigrationsTable), logger: self.queryLogger)
            var done: [String] = []
            for try await version in try await db.query("SELECT version FROM schema_migrations", logger: self.queryLogger)
                .decode(String.self)
            {
                done.append(version)
            }
            if done.contains(where: { !known.contains($0) }) {
                throw PostgresStoreError.schemaTooNew(applied: done.sorted(), known: known)
            }
            var applied: [String] = []
            for migration in PostgresSchema.migrations where !done.contains(migration.name) {
                for statement in migration.statements {
                    try await db.query(PostgresQuery(unsafeSQL: statement), logger: self.queryLogger)
                }
                try await db.query(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (\(migration.name), \(now))",
                    logger: self.queryLogger)
                applied.append(migration.name)
            }
            return applied
        }
        if !applied.isEmpty {
            logger.info(
                "migrated PostgreSQL store",
                metadata: ["store.url": "\(url.redacted)", "store.migrations": "\(applied.joined(separator: ","))"])
        }
    }

    /// Opens one connection outside the pool and closes it again, failing fast with the real
    /// reason (refused, authentication, unknown database). The pool instead retries a failing
    /// server for about a minute and then reports only that its circuit breaker tripped.
    /// - Throws: ``PostgresStoreError/cannotConnect(endpoint:reason:)``.
    public func checkConnection() async throws {
        var configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database,
            tls: .disable)  // TLS: mirror `url.tls` here too once it has more than `.disable`
        configuration.options.connectTimeout = .seconds(10)
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: queryLogger)
            try? await connection.close()
        } catch {
            let wrapped = PostgresStoreError.wrap(error, operation: "connect", endpoint: url.endpoint)
            if case PostgresStoreError.queryFailed(_, let reason, _) = wrapped {
                throw PostgresStoreError.cannotConnect(endpoint: url.endpoint, reason: reason)
            }
            throw wrapped
        }
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
    /// The migrations applied to the database, in name order (empty before the first ``migrate()``).
    public func appliedMigrations() async throws -> [String] {
        let exists = try await rows(
            "read applied migrations", "SELECT to_regclass('schema_migrations') IS NOT NULL"
        ).first?.decode(Bool.self) ?? false
        guard exists else { return [] }
        return try await rows("read applied migrations", "SELECT version FROM schema_migrations ORDER BY version")
            .map { try $0.decode(String.self) }
    }
}

extension PostgresStore {
    /// See ``PostgresStoreError/fault``; driver errors that were not wrapped count as transient.
    public func fault(of error: any Error) -> StoreFault {
        (error as? PostgresStoreError)?.fault ?? .transient
    }
}
