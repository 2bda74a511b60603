import AccoladeCore
import PostgresNIO

/// A failure of the PostgreSQL store; the description says what to do next and never includes a
/// password or message data.
public enum PostgresStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The connection URL is malformed; `part` names the offending piece (scheme, user, host, port, database, option).
    case invalidURL(part: String, reason: String)
    /// A certificate or key file named by a TLS option of the URL cannot be used.
    case unusableTLSFile(option: String, path: String, reason: String)
    /// The server could not be reached or refused us (connection, authentication, TLS).
    case cannotConnect(endpoint: String, reason: String)
    /// A statement failed on the server (with its SQLSTATE) or on the way to it.
    case queryFailed(operation: String, reason: String, sqlState: String? = nil)
    /// A stored row holds a value this version cannot read (edited by hand, or written by a newer version).
    case unreadableRow(table: String, id: String, column: String, reason: String)
    /// A value could not be written, e.g. message data containing a NaN.
    case unstorableValue(field: String, reason: String)
    /// The database was migrated by a newer Accolade than this one.
    case schemaTooNew(applied: [String], known: [String])

    /// What went wrong and what to do next.
    public var description: String {
        switch self {
        case .invalidURL(let part, let reason):
            return "invalid PostgreSQL URL (\(part)): \(reason). "
                + "Expected `postgres://user[:password]@host[:port]/database`; check `store.postgres`."
        case .unusableTLSFile(let option, let path, let reason):
            return "cannot use \(option) file \(path) of the PostgreSQL URL: \(reason). "
                + "Point \(option) at a readable PEM file; check `store.postgres`."
        case .cannotConnect(let endpoint, let reason) where reason.hasPrefix("TLS"):
            return "cannot connect to PostgreSQL at \(endpoint): \(reason)."
        case .cannotConnect(let endpoint, let reason):
            return "cannot connect to PostgreSQL at \(endpoint): \(reason). "
                + "Check that the server runs and accepts TCP connections there, and the user, password and database."
        case .queryFailed(let operation, let reason, _):
            return "PostgreSQL store failed to \(operation): \(reason). "
                + "If the server restarted, retry; otherwise check the server log."
        case .unreadableRow(let table, let id, let column, let reason):
            return "cannot read \(table).\(column) of row \(id): \(reason). "
                + "The database may have been written by a newer Accolade or edited by hand; "
                + "upgrade Accolade or repair the row."
        case .unstorableValue(let field, let reason):
            return "cannot store \(field): \(reason). Fix the value and send again."
        case .schemaTooNew(let applied, let known):
            return "the database has migrations \(applied.filter { !known.contains($0) }.joined(separator: ", ")) "
                + "this Accolade does not know (it knows \(known.joined(separator: ", "))). Upgrade Accolade."
        }
    }

    /// Whether retrying may help. Lost connections, a restarting server (57P01–57P03), too many
    /// connections, out of memory, serialisation failures and deadlocks pass; refused
    /// credentials, a missing database, schema or privilege and a full disk need an operator.
    var fault: StoreFault {
        switch self {
        case .cannotConnect(_, let reason) where reason.contains("SQLSTATE 28") || reason.contains("SQLSTATE 3D000"):
            return .permanent(advice: description)
        case .queryFailed(_, _, let state?):
            switch state {
            case "53100": return .permanent(advice: "the database server's disk is full: free space there. \(description)")
            case "42P01", "42703", "3F000": return .permanent(advice: "the schema is missing or old: run `accolade migrate`. \(description)")
            case "42501": return .permanent(advice: "the database user lacks a privilege: grant it. \(description)")
            case "25006": return .permanent(advice: "the database is read-only (a standby?): point store.postgres at the primary. \(description)")
            default: return state.hasPrefix("28") || state == "3D000" ? .permanent(advice: description) : .transient
            }
        case .cannotConnect(_, let reason) where reason.hasPrefix("TLS"):
            return .permanent(advice: description)
        case .schemaTooNew, .invalidURL, .unusableTLSFile:
            return .permanent(advice: description)
        default:
            return .transient
        }
    }

    /// Maps a PostgresNIO failure (which hides its details from `description`) to a store error.
    static func wrap(_ error: any Error, operation: String, endpoint: String) -> any Error {
        if error is PostgresStoreError { return error }
        if let tx = error as? PostgresTransactionError {
            if let inner = tx.closureError ?? tx.commitError ?? tx.beginError ?? tx.rollbackError {
                return wrap(inner, operation: operation, endpoint: endpoint)
            }
        }
        guard let psql = error as? PSQLError else {
            // The pool's own errors (circuit breaker tripped, pool shut down) are not public types.
            if String(reflecting: type(of: error)).contains("ConnectionPool") {
                return PostgresStoreError.cannotConnect(endpoint: endpoint, reason: "no connection could be opened (\(error))")
            }
            return error
        }
        if let info = psql.serverInfo {
            let state = info[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            let reason = (info[.message] ?? "server error") + state
            // 28xxx: authentication; 3D000: no such database.
            if let code = info[.sqlState], code.hasPrefix("28") || code == "3D000" {
                return PostgresStoreError.cannotConnect(endpoint: endpoint, reason: reason)
            }
            return PostgresStoreError.queryFailed(operation: operation, reason: reason, sqlState: info[.sqlState])
        }
        if let tls = tlsReason(psql) {
            return PostgresStoreError.cannotConnect(endpoint: endpoint, reason: tls)
        }
        let underlying = psql.underlying.map { ": \($0)" } ?? ""
        switch psql.code {
        case .connectionError, .serverClosedConnection, .sslUnsupported, .failedToAddSSLHandler,
            .authMechanismRequiresPassword, .unsupportedAuthMechanism, .saslError:
            return PostgresStoreError.cannotConnect(endpoint: endpoint, reason: "\(psql.code)\(underlying)")
        default:
            return PostgresStoreError.queryFailed(operation: operation, reason: "\(psql.code)\(underlying)")
        }
    }

    /// A TLS failure that needs an operator, in words that say what to change (each starts with
    /// "TLS", which ``fault`` reads as permanent), or nil. None of them quotes the URL, so the
    /// password cannot leak through them.
    private static func tlsReason(_ error: PSQLError) -> String? {
        if error.code == .sslUnsupported {
            return "TLS: the server does not accept TLS connections. Turn `ssl` on in the server's "
                + "postgresql.conf, or use sslmode=disable on a network you trust"
        }
        if let extra = error.underlying as? NIOSSLExtraError, extra == .failedToValidateHostname {
            return "TLS: the server's certificate does not name the host in the URL (sslmode=verify-full). "
                + "Connect by a name or address the certificate lists, or fix the server's certificate"
        }
        if case .handshakeFailed(let failure)? = error.underlying as? NIOSSLError,
            "\(failure)".contains("CERTIFICATE_VERIFY_FAILED")
        {
            return "TLS: the server's certificate is not trusted: it is not signed by a CA in sslrootcert, "
                + "or it has expired. Point sslrootcert at the CA that signed the server's certificate"
        }
        // Other handshake failures (a connection reset mid-handshake by a restarting server) stay
        // transient: they go the ordinary way.
        return nil
    }
}
