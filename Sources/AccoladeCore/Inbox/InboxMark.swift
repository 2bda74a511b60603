import Foundation

/// Something a recipient does to items of their feed: the state machine of an item's marks.
///
/// Every mark is idempotent (marking a read item read again changes nothing and implies no
/// receipt), so a retried request or two tabs doing the same thing never double a receipt. The
/// stores apply exactly what ``applied(to:at:)`` returns and record the receipts
/// ``receipts(from:to:)`` implies, in the same transaction.
public enum InboxMark: String, Sendable, Hashable, Codable, CaseIterable {
    /// Shown in an open panel: sets `seen_at` once; implies a `delivered` receipt.
    case seen
    /// Opened or its action clicked: sets `read_at` (and `seen_at`, if not yet) once; implies a
    /// `read` receipt (and `delivered`, when it was not seen before).
    case read
    /// Taken out of the feed (kept): sets `archived_at`. No receipt: archiving is not reading.
    case archive
    /// Put back into the feed: clears `archived_at`. No receipt.
    case unarchive

    /// The new marks after this mark at `time`, or nil when it changes nothing.
    public func applied(to marks: InboxMarks, at time: Date) -> InboxMarks? {
        var next = marks
        switch self {
        case .seen:
            next.seenAt = marks.seenAt ?? time
        case .read:
            next.seenAt = marks.seenAt ?? time
            next.readAt = marks.readAt ?? time
        case .archive:
            next.archivedAt = marks.archivedAt ?? time
        case .unarchive:
            next.archivedAt = nil
        }
        return next == marks ? nil : next
    }

    /// The items "mark all" applies to (`seen-all`, `read-all`, and the same for archive and
    /// unarchive): exactly those for which the mark changes something and that the feed shows.
    ///
    /// `seen-all` and `read-all` leave archived items alone: they are out of the feed and its
    /// counts already, and a user clearing their badge has not looked at them.
    public var bulkCandidates: InboxStatus {
        switch self {
        case .seen: .unseen
        case .read: .unread
        case .archive: .all
        case .unarchive: .archived
        }
    }

    /// The delivery receipts a change of marks implies, in the order to record them:
    /// `delivered` when it became seen, `read` when it became read.
    public static func receipts(from before: InboxMarks, to after: InboxMarks) -> [DeliveryState] {
        var states: [DeliveryState] = []
        if before.seenAt == nil, after.seenAt != nil { states.append(.delivered) }
        if before.readAt == nil, after.readAt != nil { states.append(.read) }
        return states
    }
}

/// Which items a mark applies to.
public enum InboxSelection: Sendable, Hashable {
    /// One item, by id (and only if it is in the recipient's feed).
    case item(String)
    /// Every item of the recipient's feed the mark would change (``InboxMark/bulkCandidates``).
    case all
}

/// One item whose marks changed.
public struct InboxItemChange: Sendable, Hashable {
    /// The item.
    public var itemID: String
    /// Its sequence in the feed.
    public var sequence: Int64
    /// Its delivery (where the receipts went).
    public var deliveryID: String
    /// The marks before.
    public var before: InboxMarks
    /// The marks after.
    public var after: InboxMarks

    /// Creates a change.
    public init(itemID: String, sequence: Int64, deliveryID: String, before: InboxMarks, after: InboxMarks) {
        self.itemID = itemID
        self.sequence = sequence
        self.deliveryID = deliveryID
        self.before = before
        self.after = after
    }

    /// The receipt states this change implies (``InboxMark/receipts(from:to:)``), for metrics.
    public var receipts: [DeliveryState] { InboxMark.receipts(from: before, to: after) }

    /// The receipt reports the store records for this change, at `time`.
    ///
    /// Each carries a provider event id unique to (item, state), so even a report recorded twice
    /// (a retried transaction) is a duplicate, never a second receipt.
    public func receiptReports(at time: Date) -> [ReceiptReport] {
        receipts.map { state in
            ReceiptReport(
                reference: .deliveryID(deliveryID), state: state, provider: InboxItemChange.receiptProvider,
                providerEventID: "inbox-\(state.rawValue)-\(itemID)", occurredAt: time, receivedAt: time, detail: nil)
        }
    }

    /// The `provider` of inbox receipts in the delivery log.
    public static let receiptProvider = "inbox"
}

/// What a mark did: the items it changed and the counts after it.
public struct InboxMarkResult: Sendable, Hashable {
    /// False when the selection named an item that is not in the recipient's feed (a 404).
    public var found: Bool
    /// The items that changed, in sequence order; empty when nothing changed (a repeat).
    public var changes: [InboxItemChange]
    /// The recipient's counts after the mark (what a `counts` event says to the other tabs).
    public var counts: InboxCounts
    /// The recipient's feed version after the mark (see ``InboxHead/version``).
    public var version: Int64

    /// Creates a result.
    public init(found: Bool, changes: [InboxItemChange], counts: InboxCounts, version: Int64) {
        self.found = found
        self.changes = changes
        self.counts = counts
        self.version = version
    }
}
