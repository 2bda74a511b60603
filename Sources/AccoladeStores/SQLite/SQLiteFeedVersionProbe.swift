import GRDBSQLite
import Synchronization

/// Reads one recipient's `inbox_feeds.version` on read-only SQLite connections of its own, one
/// prepared statement each: the read `GET /v1/inbox/items` makes on every request to validate
/// its page cache.
///
/// Why not GRDB's reader pool: both event loops run requests at once, and taking a reader from
/// the pool passes through the pool's dispatch-queue barrier, where the two threads waited on
/// each other (futex sleeps and wake-ups, about 8% of a cached feed request by `perf`). Here a
/// connection is taken from a free list under a mutex held only to pop or push it, and the
/// statement runs outside the lock.
///
/// Same answer as a GRDB read: in WAL mode each statement outside a transaction reads the newest
/// committed state (whichever process committed it), and the statement is reset at once so no
/// connection holds a snapshot. Any failure here (the file cannot be opened, the table is not
/// there yet, a step fails) returns nil and drops that connection, and the caller reads through
/// GRDB instead, so this can only ever be a faster path to the same value.
final class SQLiteFeedVersionProbe: Sendable {
    /// Connections kept for reuse; more may be open for a moment under a burst, then closed.
    static let keptConnections = 8
    static let sql = "SELECT version FROM inbox_feeds WHERE recipient_key = ?1"

    private let path: String
    private let idle = Mutex<[Connection]>([])

    init(path: String) {
        self.path = path
    }

    /// The recipient's feed version (0 when the recipient has no feed yet); nil when this probe
    /// could not answer and the caller should read it the ordinary way.
    func version(_ recipientKey: String) -> Int64? {
        guard let connection = idle.withLock({ $0.popLast() }) ?? Connection(path: path) else { return nil }
        guard let version = connection.version(recipientKey) else { return nil }  // dropped: closes in deinit
        idle.withLock { if $0.count < Self.keptConnections { $0.append(connection) } }
        return version
    }

    /// One read-only connection with the statement prepared; used by one thread at a time (it is
    /// either in the free list or held by the one caller that took it).
    private final class Connection: @unchecked Sendable {
        private let db: OpaquePointer
        private let statement: OpaquePointer

        init?(path: String) {
            var db: OpaquePointer?
            guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK, let db else {
                sqlite3_close_v2(db)
                return nil
            }
            // As the store's own connections: wait out a checkpoint's brief lock rather than fail.
            sqlite3_busy_timeout(db, 10_000)
            var statement: OpaquePointer?
            guard sqlite3_prepare_v3(db, SQLiteFeedVersionProbe.sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK,
                let statement
            else {
                sqlite3_close_v2(db)
                return nil
            }
            self.db = db
            self.statement = statement
        }

        deinit {
            sqlite3_finalize(statement)
            sqlite3_close_v2(db)
        }

        func version(_ recipientKey: String) -> Int64? {
            // Reset ends the statement's read transaction: no snapshot outlives the call.
            defer {
                sqlite3_reset(statement)
                sqlite3_clear_bindings(statement)
            }
            let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
            guard sqlite3_bind_text(statement, 1, recipientKey, -1, transient) == SQLITE_OK else { return nil }
            switch sqlite3_step(statement) {
            case SQLITE_ROW: return sqlite3_column_int64(statement, 0)
            case SQLITE_DONE: return 0
            default: return nil
            }
        }
    }
}
