import AccoladeCore
import Foundation
import Testing

@testable import AccoladeStores

/// Feed-change signals: what a stream waits on instead of polling every feed.
@Suite("Store contract: inbox change signals")
struct StoreInboxSignalTests {
    /// Waits (at most `seconds`: a bound on failure, not a speed requirement — the suite shares
    /// two cores) on `signals` for the first `.resync` (the store is listening),
    /// runs `change`, then waits for `expected`; true when it came in time.
    static func signalled(
        _ signals: AsyncStream<InboxSignal>, expected: InboxSignal, seconds: Int = 120, after change: @escaping @Sendable () async throws -> Void
    ) async throws -> Bool {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                var listening = false
                for await signal in signals {
                    if !listening, signal == .resync {
                        listening = true
                        try await change()
                    } else if listening, signal == expected {
                        return true
                    }
                }
                return false
            }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                return false
            }
            let first = try await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    @Test("an item written and a mark applied are each signalled with their recipient", arguments: StoreFactory.all)
    func signals(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let signals: AsyncStream<InboxSignal>
            if let sqlite = store as? SQLiteStore {
                signals = sqlite.inboxSignals(every: .milliseconds(20))
            } else {
                signals = try #require(store.inboxSignals())
            }
            let pair = try #require(try await StoreInboxContractTests.deliveries(store, count: 1).first)
            let item = StoreInboxContractTests.item(pair.0, messageID: pair.1, recipient: "signalled")
            #expect(try await Self.signalled(signals, expected: .changed(recipientKey: "signalled")) {
                _ = try await store.writeInboxItems([item])
            })
            let more = try #require(store.inboxSignals())
            #expect(try await Self.signalled(more, expected: .changed(recipientKey: "signalled")) {
                _ = try await store.markInbox(.read, .item(item.id), recipientKey: "signalled", at: Fixtures.at(10))
            })
        }
    }

    @Test("SQLite: an item another process commits to the file is signalled (by polling the file, not by the writer)")
    func sqliteAcrossProcesses() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        // Two store objects on one file share nothing in memory, as `serve` and `worker` processes.
        let writer = try await SQLiteStore.open(path: folder.path("shared.sqlite"), logger: testLogger)
        let server = try await SQLiteStore.open(path: folder.path("shared.sqlite"), logger: testLogger)
        let pair = try #require(try await StoreInboxContractTests.deliveries(writer, count: 1).first)
        #expect(try await Self.signalled(server.inboxSignals(every: .milliseconds(250)), expected: .changed(recipientKey: "crm-7")) {
            _ = try await writer.writeInboxItems([StoreInboxContractTests.item(pair.0, messageID: pair.1, recipient: "crm-7")])
        })
        // No wall-clock bound here: the suite runs in parallel on two cores (a 5 s bound failed at
        // 6.7 s). Speed — one poll to learn the start, one to see the change — is the benchmark's
        // to show (scripts/bench-inbox.sh); this test shows the signal comes at all.
        try writer.close()
        try server.close()
    }
}
