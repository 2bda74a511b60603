import AccoladeCore
import Foundation
import GRDB
import Logging

/// The embedded ``Store``: one SQLite file in WAL mode, shared safely by every task of this
/// process and by other processes on the same machine.
///
/// Concurrency control is SQLite's own: every write runs in a `BEGIN IMMEDIATE` transaction
/// (GRDB's default for writes), so claims, completions and idempotent inserts from any number of
/// tasks, pools or processes are serialised by the database write lock, never by an in-memory
/// check. Readers (`message`, `deliveries`, `snapshot` …) run concurrently on WAL snapshots.
///
/// Times are stored as integer milliseconds since 1970, so dates come back rounded to the
/// millisecond (see ``StoreTime``).
public final class SQLiteStore: Store {
    /// How far a committed transaction survives.
    public enum Durability: String, Sendable, Hashable, CaseIterable {
        /// `synchronous=FULL`: the WAL is fsync'ed at every commit, so an accepted message survives
        /// a power loss or kernel crash as well as a killed process. The default.
        case full
        /// `synchronous=NORMAL`: no fsync per commit. A killed process (`kill -9`) still loses
        /// nothing, because committed pages are already in the operating system's cache, but a
        /// power loss may roll back the last commits. Faster on slow disks.
        case normal
    }

    /// The database file.
    public let path: String
    /// The durability chosen at open.
    public let durability: Durability
    let pool: DatabasePool
    /// The feed-version read of every `GET /v1/inbox/items`, on connections of its own.
    let feedVersions: SQLiteFeedVersionProbe
    let logger: Logger
    /// Wakes this process's workers when this process makes work due.
    let signals = WorkSignalHub()

    /// Signals after every commit of this store object that makes work due, so a worker in the
    /// same process (`accolade serve`) claims at once; workers in other processes poll.
    public func workSignals() -> AsyncStream<Void>? { signals.subscribe() }

    /// Opens (creating if needed, with its parent folders) the database file at `path`.
    ///
    /// Call ``migrate()`` before anything else. `durability` defaults to ``Durability/full``
    /// because a message is accepted (HTTP 202) as soon as `enqueue` returns, and because the
    /// batching on the hot path makes the per-commit fsync cheap (one per batch of up to a few
    /// hundred rows; measured figures in the store's speed test).
    ///
    /// - Throws: ``SQLiteStoreError/cannotOpen(path:reason:)`` when the folder cannot be created
    ///   or the file cannot be opened as a database.
    public init(path: String, durability: Durability = .full, logger: Logger) throws {
        self.path = path
        self.durability = durability
        self.logger = logger
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw SQLiteStoreError.cannotOpen(path: path, reason: "cannot create folder \(folder): \(error)")
            }
        }
        feedVersions = SQLiteFeedVersionProbe(path: path)
        var config = Configuration()
        config.label = "accolade"
        // Other processes (a second worker, `accolade send`) hold the write lock for one short
        // batch at a time; waiting a few seconds for it beats failing the call.
        config.busyMode = .timeout(10)
        do {
            pool = try DatabasePool(path: path, configuration: config)
            // Only the single writer connection commits, so only it needs the setting. It must be
            // set after the pool exists: GRDB switches the writer to NORMAL when it enables WAL.
            // The writer also gets a 64 MiB page cache: with SQLite's default 2 MiB, the indexes
            // of a 20,000-delivery queue no longer fit, and every batch of completions reads
            // their pages from the file again.
            try pool.writeWithoutTransaction { db in
                switch durability {
                case .full: try db.execute(sql: "PRAGMA synchronous = FULL")
                case .normal: try db.execute(sql: "PRAGMA synchronous = NORMAL")
                }
                try db.execute(sql: "PRAGMA cache_size = -65536")
            }
        } catch {
            throw SQLiteStoreError.cannotOpen(path: path, reason: "\(error)")
        }
        logger.debug(
            "opened SQLite store", metadata: ["store.path": "\(path)", "store.durability": "\(durability.rawValue)"])
    }

    /// Opens the file and applies pending migrations: what `accolade serve`, `worker` and the
    /// read-only commands (`status`, `log`, `dead`) call at start.
    public static func open(path: String, durability: Durability = .full, logger: Logger) async throws -> SQLiteStore {
        let store = try SQLiteStore(path: path, durability: durability, logger: logger)
        try await store.migrate()
        return store
    }

    /// How often ``migrate()`` tries while another process is migrating the same file.
    static let migrationAttempts = 8

    /// Applies pending migrations (``SQLiteSchema``); safe to call from several processes at once.
    public func migrate() async throws {
        let migrator = SQLiteSchema.migrator
        let before = try await pool.read { try migrator.appliedMigrations($0) }
        // Another process (`serve` and `worker` started together) may apply a migration between
        // our reading which are applied and our transaction ("table already exists"). When it
        // has finished them all, that is success; while it is still part-way, we try again from
        // what it has committed by then, a few times, before giving up.
        for attempt in 1...Self.migrationAttempts {
            do {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    migrator.asyncMigrate(pool) { result in continuation.resume(with: result.map { _ in () }) }
                }
                break
            } catch {
                if try await pool.read({ try migrator.hasCompletedMigrations($0) }) { break }
                guard attempt < Self.migrationAttempts else { throw error }
                try await Task.sleep(for: .milliseconds(100 * attempt))
            }
        }
        let after = try await pool.read { try migrator.appliedMigrations($0) }
        let applied = after.filter { !before.contains($0) }
        if !applied.isEmpty {
            logger.info(
                "migrated SQLite store",
                metadata: ["store.path": "\(path)", "store.migrations": "\(applied.joined(separator: ","))"])
        }
    }

    /// Closes every connection; later calls fail. Optional: connections also close on deinit.
    public func close() throws {
        try pool.close()
    }
}
