import AccoladeCore
import Foundation
import Testing

@testable import AccoladeStores

/// The feed-version probe on its own connections: the same value GRDB reads, across store
/// instances on one file, and a fallback (nil) whenever it cannot answer.
@Suite("SQLite feed version probe")
struct SQLiteFeedVersionProbeTests {
    @Test("nil before the table exists; then exactly the version GRDB reads, as another store instance writes")
    func sameAsGRDB() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path("accolade.sqlite")
        let store = try SQLiteStore(path: path, logger: testLogger)
        #expect(store.feedVersions.version("crm-42") == nil)
        try await store.migrate()
        #expect(store.feedVersions.version("crm-42") == 0)
        // Another process on the file (a worker) writes; this store's probe sees each commit.
        let other = try SQLiteStore(path: path, logger: testLogger)
        let items = try await StoreInboxContractTests.writeItems(other, count: 3)
        #expect(store.feedVersions.version("crm-42") == 3)
        _ = try await other.markInbox(.read, .item(items[0].id), recipientKey: "crm-42", at: Fixtures.at(9))
        #expect(store.feedVersions.version("crm-42") == 4)
        #expect(try await store.inboxVersion(recipientKey: "crm-42") == 4)
        #expect(try await store.inboxHead(recipientKey: "crm-42").version == 4)
        #expect(store.feedVersions.version("nobody") == 0)
        // Many callers at once: every answer right, connections reused and bounded.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<64 {
                group.addTask { #expect(store.feedVersions.version("crm-42") == 4) }
            }
            try await group.waitForAll()
        }
    }
}
