import Foundation

/// Recipients' in-app inbox feeds, kept in the store every process shares (like
/// ``SuppressionList``): the inbox channel writes items (through ``Store/complete(_:)``), the API
/// lists and marks them, and streams follow them by sequence.
///
/// Every method is one transaction. Per recipient, item sequences are 1, 2, 3 … without gaps,
/// assigned in the writing transaction, and a transaction writing sequence n+1 for a recipient
/// cannot assign it before the one writing n has committed: whoever has read every item up to n
/// never later finds a committed item below n (what SSE `Last-Event-ID` resumption relies on).
public protocol InboxFeed: Sendable {
    /// Writes items in one transaction, assigning each its recipient's next sequence (in input order
    /// per recipient), and returns them as stored, in input order. An item for a delivery that
    /// already has one writes nothing and returns the stored one (idempotent).
    ///
    /// The worker does not call this: items ride on the `sent` outcome
    /// (``DeliveryUpdate/inboxItem``) and are written by ``Store/complete(_:)`` in the outcome's
    /// transaction. This entry serves tools and tests.
    @discardableResult
    func writeInboxItems(_ items: [NewInboxItem]) async throws -> [InboxItem]

    /// A page of the recipient's feed, newest first: the items `status` selects with a sequence
    /// below `before` (the previous page's ``InboxPage/nextCursor``; nil for the first page), at most
    /// `limit`, with the recipient's counts and feed version, all read in one snapshot.
    func inboxPage(recipientKey: String, status: InboxStatus, before: Int64?, limit: Int) async throws -> InboxPage

    /// The recipient's items with a sequence above `sequence`, oldest first, at most `limit`,
    /// whatever their marks (a stream resuming after `Last-Event-ID`).
    func inboxItems(recipientKey: String, after sequence: Int64, limit: Int) async throws -> [InboxItem]

    /// One item, only if it is in this recipient's feed.
    func inboxItem(id: String, recipientKey: String) async throws -> InboxItem?

    /// Applies `mark` to the selected items of the recipient's feed as ``InboxMark/applied(to:at:)``
    /// decides, and records the `delivered`/`read` receipts the changes imply for their deliveries
    /// (``InboxItemChange/receiptReports(at:)``), all in one transaction. A repeat changes nothing
    /// and records nothing.
    func markInbox(_ mark: InboxMark, _ selection: InboxSelection, recipientKey: String, at time: Date) async throws
        -> InboxMarkResult

    /// The recipient's newest sequence, feed version and counts (zeros for a recipient with no
    /// items): what a stream compares to know whether there is anything to send.
    func inboxHead(recipientKey: String) async throws -> InboxHead

    /// The recipient's feed version alone (``InboxHead/version``; 0 for a recipient with no
    /// items): one indexed read, all a cache of rendered pages needs to know whether the page it
    /// keeps (``InboxPage/version``) still shows the feed as it is.
    func inboxVersion(recipientKey: String) async throws -> Int64

    /// Feeds changed (an item written or a mark applied) since `mark` (a previous
    /// ``InboxFeedChanges/mark``; 0 for "from the start"), oldest change first, at most `limit`.
    ///
    /// A cheap poll for processes without notifications (SQLite: `serve` seeing items a separate
    /// `worker` process wrote): the newest mark is one index probe. On SQLite, marks follow commit
    /// order (one writer). On PostgreSQL they come from a sequence and may commit out of order, so
    /// a poller must not trust them alone; PostgreSQL nodes follow the `NOTIFY accolade_inbox`
    /// (payload: the recipient key) that every commit changing a feed sends instead.
    func inboxChanges(after mark: Int64, limit: Int) async throws -> InboxFeedChanges

    /// Signals feed changes committed by any process on the store, for streams: which recipient's
    /// feed changed, or ``InboxSignal/resync`` when signals may have been missed. nil when the
    /// store cannot tell (streams must then poll ``inboxChanges(after:limit:)`` or heads).
    ///
    /// A signal says only "look again": the stream reads ``inboxItems(recipientKey:after:limit:)``
    /// and ``inboxHead(recipientKey:)`` itself, so a repeated or late signal costs a read, never a
    /// duplicate event. The stream ends when the consumer stops iterating.
    func inboxSignals() -> AsyncStream<InboxSignal>?
}

extension InboxFeed {
    /// Feeds without change signals.
    public func inboxSignals() -> AsyncStream<InboxSignal>? { nil }
}

/// A feed-change signal (``InboxFeed/inboxSignals()``).
public enum InboxSignal: Sendable, Hashable {
    /// This recipient's feed changed: an item was written or marks changed.
    case changed(recipientKey: String)
    /// Signals may have been missed (first connection, reconnect, too many at once): re-read the
    /// head of every feed followed.
    case resync
}

/// A page of a feed.
public struct InboxPage: Sendable, Hashable {
    /// The items, newest first.
    public var items: [InboxItem]
    /// The `before` of the next page; nil when this is the last.
    public var nextCursor: Int64?
    /// The recipient's counts.
    public var counts: InboxCounts
    /// The feed's version (``InboxHead/version``) in the snapshot the page was read from: the
    /// page shows exactly the feed at this version, so it stays true while the version is unchanged.
    public var version: Int64

    /// Creates a page.
    public init(items: [InboxItem], nextCursor: Int64?, counts: InboxCounts, version: Int64 = 0) {
        self.items = items
        self.nextCursor = nextCursor
        self.counts = counts
        self.version = version
    }
}

/// Where a recipient's feed stands.
public struct InboxHead: Sendable, Hashable {
    /// The recipient.
    public var recipientKey: String
    /// The newest item's sequence (0: none yet).
    public var lastSequence: Int64
    /// Bumped by every change to the feed (an item written, marks changed), per recipient and in
    /// commit order: a stream that saw version v and now sees a larger one re-reads the counts.
    public var version: Int64
    /// The counts.
    public var counts: InboxCounts

    /// Creates a head.
    public init(recipientKey: String, lastSequence: Int64, version: Int64, counts: InboxCounts) {
        self.recipientKey = recipientKey
        self.lastSequence = lastSequence
        self.version = version
        self.counts = counts
    }
}

/// The feeds changed since a poll.
public struct InboxFeedChanges: Sendable, Hashable {
    /// Each changed feed once, with its newest sequence and version, oldest change first.
    public var feeds: [InboxFeedChange]
    /// The mark to poll after next time (unchanged when nothing changed).
    public var mark: Int64

    /// Creates changes.
    public init(feeds: [InboxFeedChange], mark: Int64) {
        self.feeds = feeds
        self.mark = mark
    }
}

/// One changed feed.
public struct InboxFeedChange: Sendable, Hashable {
    /// The recipient.
    public var recipientKey: String
    /// The newest item's sequence.
    public var lastSequence: Int64
    /// The feed version.
    public var version: Int64
    /// The store-wide change mark of its latest change.
    public var mark: Int64

    /// Creates a change.
    public init(recipientKey: String, lastSequence: Int64, version: Int64, mark: Int64) {
        self.recipientKey = recipientKey
        self.lastSequence = lastSequence
        self.version = version
        self.mark = mark
    }
}
