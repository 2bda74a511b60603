/// Which items a feed listing shows (`status=` of `GET /v1/inbox/items`), and which items the
/// counts count. The stores turn each case into the same SQL predicate; this type is the rule.
public enum InboxStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// In the feed and not read yet.
    case unread
    /// In the feed and not seen yet.
    case unseen
    /// Everything in the feed (not archived). The default.
    case all
    /// Archived items only.
    case archived

    /// Whether an item with these marks is listed under this status.
    ///
    /// Archived items count only under ``archived``: archiving takes an item out of the feed and its
    /// badge, whether or not it was read.
    public func selects(_ marks: InboxMarks) -> Bool {
        switch self {
        case .unread: marks.archivedAt == nil && marks.readAt == nil
        case .unseen: marks.archivedAt == nil && marks.seenAt == nil
        case .all: marks.archivedAt == nil
        case .archived: marks.archivedAt != nil
        }
    }
}

/// The badge numbers of a feed.
public struct InboxCounts: Sendable, Hashable, Codable {
    /// Items ``InboxStatus/unread`` selects.
    public var unread: Int
    /// Items ``InboxStatus/unseen`` selects.
    public var unseen: Int

    /// Creates counts.
    public init(unread: Int, unseen: Int) {
        self.unread = unread
        self.unseen = unseen
    }

    /// The counts of a list of items, by the same rule the stores count with (tests, in-memory feeds).
    public init(counting marks: some Sequence<InboxMarks>) {
        var unread = 0
        var unseen = 0
        for m in marks {
            if InboxStatus.unread.selects(m) { unread += 1 }
            if InboxStatus.unseen.selects(m) { unseen += 1 }
        }
        self.init(unread: unread, unseen: unseen)
    }
}
