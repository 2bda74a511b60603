import AccoladeCore
import Metrics
import NIOCore
import Synchronization

/// Rendered bodies of `GET /v1/inbox/items`, each kept with the feed version it was read at, so a
/// widget asking again for an unchanged page costs one indexed read (the version) instead of the
/// page, its counts and the JSON.
///
/// Never stale, across processes and nodes alike, because it trusts nothing it remembers about
/// the feed itself: every store bumps the recipient's feed version (``InboxHead/version``) in the
/// transaction of every change to that feed (an item written, marks changed) and reads a page
/// together with that version in one snapshot (``InboxPage/version``), and every request reads
/// the current version from the store (``InboxFeed/inboxVersion(recipientKey:)``) before a kept
/// body may answer it. A body is served only for the exact version it was rendered from, so a
/// change committed by any process — this one, a separate `accolade worker`, another API node on
/// PostgreSQL — is seen by the first request that starts after its commit, as without the cache.
///
/// The key is everything a page depends on: recipient, status, cursor position and limit (the
/// body has no locale; the public URL in `image_url` is the process's own and fixed).
///
/// Bounded by bytes (`channels.inbox.page_cache_mb`, 0 turns it off): when a body would pass the
/// cap, the least recently used entries go until a quarter of the cap is free, in one sweep, so
/// the sort it takes is paid once per many inserts. Kept bodies are `ByteBuffer`s, written to the
/// socket as they are (no copy per answer).
final class InboxPageCache: Sendable {
    /// What one page depends on besides the feed's version.
    struct Key: Hashable, Sendable {
        var recipient: String
        var status: InboxStatus
        var before: Int64?
        var limit: Int
    }

    private struct Entry {
        var version: Int64
        var body: ByteBuffer
        var cost: Int
        var lastUse: UInt64
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var bytes = 0
        var tick: UInt64 = 0
    }

    /// The default of `channels.inbox.page_cache_mb`.
    static let defaultMegabytes = 32
    /// Bookkeeping per entry beyond the body and the recipient key (dictionary slot, key, entry).
    static let entryOverhead = 128

    /// Most bytes kept (bodies plus bookkeeping).
    let capacity: Int
    private let state = Mutex(State())
    private let hits = Counter(label: "accolade_inbox_page_cache_total", dimensions: [("result", "hit")])
    private let misses = Counter(label: "accolade_inbox_page_cache_total", dimensions: [("result", "miss")])

    /// A cache of at most `capacity` bytes.
    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    /// The kept body for `key` if it was rendered from feed version `version`; nil otherwise.
    func body(for key: Key, version: Int64) -> ByteBuffer? {
        let body: ByteBuffer? = state.withLock { state in
            guard let index = state.entries.index(forKey: key), state.entries.values[index].version == version else { return nil }
            state.tick &+= 1
            state.entries.values[index].lastUse = state.tick
            return state.entries.values[index].body
        }
        if body == nil { misses.increment() } else { hits.increment() }
        return body
    }

    /// Keeps `body`, rendered from feed version `version`, for `key`. A body of an older version
    /// than the one kept is dropped (a slower request that read an older snapshot must not put
    /// back what a newer one replaced), and so is a body larger than a quarter of the cap.
    func keep(_ body: ByteBuffer, for key: Key, version: Int64) {
        let cost = Self.cost(of: body, key: key)
        guard cost <= capacity / 4 else { return }
        state.withLock { state in
            if let old = state.entries[key] {
                guard old.version < version else { return }
                state.bytes -= old.cost
                state.entries[key] = nil
            }
            if state.bytes + cost > capacity { Self.evict(&state, downTo: capacity - capacity / 4 - cost) }
            state.tick &+= 1
            state.entries[key] = Entry(version: version, body: body, cost: cost, lastUse: state.tick)
            state.bytes += cost
        }
    }

    /// What an entry counts against the cap: the buffer's whole allocation (NIO rounds it up to a
    /// power of two, so it can be near twice the body), the key and the bookkeeping.
    static func cost(of body: ByteBuffer, key: Key) -> Int {
        body.capacity + key.recipient.utf8.count + entryOverhead
    }

    /// Bytes kept now (tests).
    var bytes: Int { state.withLock { $0.bytes } }
    /// Entries kept now (tests).
    var count: Int { state.withLock { $0.entries.count } }

    /// Drops the least recently used entries until at most `target` bytes are kept.
    private static func evict(_ state: inout State, downTo target: Int) {
        for (key, entry) in state.entries.sorted(by: { $0.value.lastUse < $1.value.lastUse }) {
            guard state.bytes > target else { break }
            state.entries[key] = nil
            state.bytes -= entry.cost
        }
    }
}
