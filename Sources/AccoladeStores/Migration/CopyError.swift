/// Why copying a SQLite store into PostgreSQL stopped; the description says what to do next.
///
/// Every batch commits or rolls back whole, so after any of these the target holds complete
/// batches only and running the copy again continues where it stopped.
public enum CopyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Deliveries are `running` under leases that have not expired: a worker is using the file.
    case liveLeases(count: Int, latestExpiry: String)
    /// The SQLite file has a table the copier has no entry for.
    case unknownTable(String)
    /// A table is missing from one of the databases.
    case missingTable(String, database: String)
    /// SQLite columns PostgreSQL lacks (the schemas are from different Accolade versions).
    case missingColumns(table: String, columns: [String])
    /// A value of a type the copier does not carry (a BLOB in a text column, say).
    case unsupportedValue(table: String, column: String, kind: String)
    /// Rows that PostgreSQL already holds under the same key with different content.
    case conflictingRows(table: String, count: Int, example: String)
    /// After copying, PostgreSQL holds fewer rows than SQLite.
    case countMismatch(table: String, source: Int, target: Int)

    /// What went wrong and what to do next.
    public var description: String {
        switch self {
        case .liveLeases(let count, let latest):
            return "\(count) deliveries or workflow runs are running under live leases (the last expires at \(latest)): "
                + "a worker is still using the SQLite file. Stop every worker and run again, "
                + "or pass --force to copy them as running (their leases then expire and are rescued in PostgreSQL)."
        case .unknownTable(let name):
            return "the SQLite file has a table `\(name)` this copier does not know; "
                + "use the Accolade version that created the file, or add the table to CopyTable.all."
        case .missingTable(let name, let database):
            return "table `\(name)` is missing in \(database); run `accolade migrate` against it first."
        case .missingColumns(let table, let columns):
            return "PostgreSQL table `\(table)` lacks columns \(columns.joined(separator: ", ")) that SQLite has; "
                + "migrate both stores with the same Accolade version (`accolade migrate`)."
        case .unsupportedValue(let table, let column, let kind):
            return "\(table).\(column) holds a \(kind) value, which the copier does not carry; repair the row in SQLite."
        case .conflictingRows(let table, let count, let example):
            return "\(count) rows of `\(table)` already exist in PostgreSQL with the same key but different content "
                + "(e.g. \(example)); the target database is in use by another queue. Copy into an empty database."
        case .countMismatch(let table, let source, let target):
            return "after copying, PostgreSQL has \(target) rows of `\(table)` but SQLite has \(source); "
                + "run the copy again (it skips rows already there) and check the server log."
        }
    }
}
