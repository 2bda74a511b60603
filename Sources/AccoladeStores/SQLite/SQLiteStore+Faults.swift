import AccoladeCore
import Foundation
import GRDB

extension SQLiteStore {
    /// Busy and locked databases (another process holds the write lock: a backup, a `sqlite3`
    /// shell), I/O hiccups and interrupted calls pass; a full disk, a read-only or corrupt file,
    /// a missing schema need an operator.
    public func fault(of error: any Error) -> StoreFault {
        if let open = error as? SQLiteStoreError, case .cannotOpen = open {
            return .permanent(advice: open.description)
        }
        guard let db = error as? DatabaseError else { return .transient }
        switch db.resultCode {
        case .SQLITE_FULL:
            return .permanent(advice: "the disk holding \(path) is full: free space there")
        case .SQLITE_READONLY:
            return .permanent(advice: "\(path) is read-only for this user: fix its permissions (and its folder's)")
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return .permanent(advice: "\(path) is damaged or not an Accolade database: restore it from a backup")
        case .SQLITE_CANTOPEN:
            return .permanent(advice: "\(path) cannot be opened: check that the file and its folder exist and are writable")
        case .SQLITE_ERROR where (db.message ?? "").contains("no such"):
            return .permanent(advice: "the schema of \(path) is missing or old: run `accolade migrate`")
        default:
            return .transient
        }
    }
}
