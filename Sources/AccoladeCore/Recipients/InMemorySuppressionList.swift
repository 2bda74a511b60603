import Foundation
import Synchronization

/// A process-local ``SuppressionList`` for tests and stand-alone channels.
public final class InMemorySuppressionList: SuppressionList {
    private struct Key: Hashable, Comparable {
        var channel: ChannelKind
        var address: String
        static func < (a: Key, b: Key) -> Bool { (a.address, a.channel.rawValue) < (b.address, b.channel.rawValue) }
    }
    private let entries: Mutex<[Key: Suppression]>

    /// Creates a list with some entries already present.
    public init(_ initial: [Suppression] = []) {
        entries = Mutex(Dictionary(initial.map { (Key(channel: $0.channel, address: $0.address), $0) }) { first, _ in first })
    }

    /// The entry for `address` on `channel`, or nil.
    public func suppression(channel: ChannelKind, address: String) async throws -> Suppression? {
        entries.withLock { $0[Key(channel: channel, address: address)] }
    }

    /// Adds entries, keeping existing ones.
    public func suppress(_ new: [Suppression]) async throws -> Int {
        entries.withLock { entries in
            var added = 0
            for entry in new where entries[Key(channel: entry.channel, address: entry.address)] == nil {
                entries[Key(channel: entry.channel, address: entry.address)] = entry
                added += 1
            }
            return added
        }
    }

    /// Removes an entry.
    public func unsuppress(channel: ChannelKind, address: String) async throws -> Bool {
        entries.withLock { $0.removeValue(forKey: Key(channel: channel, address: address)) != nil }
    }

    /// Entries in address order after the cursor.
    public func suppressions(channel: ChannelKind?, after address: String?, limit: Int) async throws -> [Suppression] {
        entries.withLock { entries in
            entries.keys.sorted()
                .filter { key in (channel == nil || key.channel == channel) && (address.map { key.address > $0 } ?? true) }
                .prefix(limit)
                .compactMap { entries[$0] }
        }
    }
}
