import AccoladeCore
import Foundation

/// The query of `GET /v1/inbox/items?status=&cursor=&limit=`, checked: which items, from where,
/// how many. Every refusal is a `422` naming the parameter, so a widget author sees what to fix.
struct InboxFeedQuery: Sendable, Equatable {
    /// Items per page when `limit` is absent: a panel's worth.
    static let defaultLimit = 20
    /// The most items one page may ask for.
    static let maximumLimit = 100
    /// The query parameters a listing understands (`token` is the inbox token, read by the auth
    /// middleware).
    static let parameters: Set<String> = ["status", "cursor", "limit", "token"]

    /// Which items (default: everything not archived).
    var status: InboxStatus = .all
    /// Only items older than this sequence (from the cursor); nil: from the newest.
    var before: Int64?
    /// At most this many items.
    var limit: Int = defaultLimit

    /// Checks the query parameters, in the order the request has them. A parameter given twice
    /// is refused rather than guessing which one counts.
    static func parse(_ pairs: [(name: String, value: String)]) throws(Problem) -> InboxFeedQuery {
        var query = InboxFeedQuery()
        var seen: Set<String> = []
        for (name, value) in pairs {
            guard parameters.contains(name) else {
                throw invalid(name, "unknown query parameter; use \(parameters.subtracting(["token"]).sorted().joined(separator: ", "))")
            }
            guard seen.insert(name).inserted else { throw invalid(name, "appears more than once; give it once") }
            switch name {
            case "status":
                guard let status = InboxStatus(rawValue: value) else {
                    throw invalid(name, "must be one of \(InboxStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                query.status = status
            case "limit":
                guard value.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let n = Int(value), (1...maximumLimit).contains(n) else {
                    throw invalid(name, "must be a whole number from 1 to \(maximumLimit) (default \(defaultLimit))")
                }
                query.limit = n
            case "cursor":
                guard let sequence = InboxCursor.decode(value) else {
                    throw invalid(name, "is not a cursor this server issued; pass back next_cursor unchanged, or leave cursor out for the newest page")
                }
                query.before = sequence
            default:
                break  // token: the auth middleware's
            }
        }
        return query
    }

    private static func invalid(_ field: String, _ reason: String) -> Problem {
        Problem.invalid(ValidationError(field: field, reason: reason))
    }
}

/// The `next_cursor` of a feed page: opaque to clients (they pass it back unchanged), so its
/// content may change without breaking them. Today it is the base64url of `s<sequence>`, the
/// page continuing below that sequence of the recipient's feed; a cursor is only a position, so
/// one from another recipient's feed reveals and opens nothing.
enum InboxCursor {
    /// The cursor continuing below `sequence`.
    static func encode(_ sequence: Int64) -> String {
        Base64URL.encode(Array("s\(sequence)".utf8))
    }

    /// The sequence a cursor continues below; nil for anything ``encode(_:)`` does not produce.
    static func decode(_ text: String) -> Int64? {
        guard text.utf8.count <= 32, let bytes = Base64URL.decode(text), bytes.first == UInt8(ascii: "s") else { return nil }
        let digits = bytes.dropFirst()
        guard !digits.isEmpty, digits.allSatisfy({ (0x30...0x39).contains($0) }),
            let sequence = Int64(String(decoding: digits, as: UTF8.self)), sequence >= 1,
            encode(sequence) == text
        else { return nil }
        return sequence
    }
}
