import AccoladeCore

/// The inbox tables' SQL both stores share: columns and the predicate of each ``InboxStatus``.
///
/// The predicates are spelled exactly as the partial indexes of the migrations (SQLite uses a
/// partial index only when the query repeats its terms), and the contract tests check them against
/// ``InboxStatus/selects(_:)`` for every combination of marks.
enum InboxSQL {
    /// The `inbox_items` columns, in the order the stores decode them.
    static let itemColumns = """
        id, recipient_key, sequence, delivery_id, message_id, template, locale, title, body, url, image_token, \
        created_at, seen_at, read_at, archived_at
        """

    /// The SQL condition selecting the items `status` lists.
    static func predicate(_ status: InboxStatus) -> String {
        switch status {
        case .unread: "read_at IS NULL AND archived_at IS NULL"
        case .unseen: "seen_at IS NULL AND archived_at IS NULL"
        case .all: "archived_at IS NULL"
        case .archived: "archived_at IS NOT NULL"
        }
    }

    /// Counts of one recipient's feed (the recipient key bound as `?1`), as two scalar
    /// sub-selects so each is answered from its partial index (SQLite; PostgreSQL spells the same
    /// in `PostgresStore.countsSelect`).
    static let sqliteCounts = """
        SELECT (SELECT COUNT(*) FROM inbox_items WHERE recipient_key = ?1 AND \(predicate(.unread))),
               (SELECT COUNT(*) FROM inbox_items WHERE recipient_key = ?1 AND \(predicate(.unseen)))
        """

    /// The `NOTIFY` channel PostgreSQL commits that change a feed signal on, with the recipient key
    /// as payload (API nodes' streams listen on it).
    static let notifyChannel = "accolade_inbox"
}
