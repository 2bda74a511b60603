/// A failure of the SQLite store that is not a plain database error; the description says what to do.
public enum SQLiteStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The database file (or its folder) could not be created or opened.
    case cannotOpen(path: String, reason: String)
    /// A stored row holds a value this version cannot read (edited by hand, or written by a newer version).
    case unreadableRow(table: String, id: String, column: String, reason: String)
    /// A value could not be written, e.g. message data containing a NaN.
    case unstorableValue(field: String, reason: String)

    /// What went wrong and what to do next; never includes message data.
    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            return "cannot open the SQLite database at \(path): \(reason). "
                + "Check that the folder exists or can be created and is writable by this user, "
                + "or point `store.path` elsewhere."
        case .unreadableRow(let table, let id, let column, let reason):
            return "cannot read \(table).\(column) of row \(id): \(reason). "
                + "The database may have been written by a newer Accolade or edited by hand; "
                + "upgrade Accolade or repair the row."
        case .unstorableValue(let field, let reason):
            return "cannot store \(field): \(reason). Fix the value and send again."
        }
    }
}
