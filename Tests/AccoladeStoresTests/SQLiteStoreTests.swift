import AccoladeCore
import Foundation
import GRDB
import Testing

@testable import AccoladeStores

/// What only the SQLite backend promises: the file, its reopening, several connections at once.
@Suite("SQLite store")
struct SQLiteStoreTests {
    @Test("a worker on the same store object is woken by an enqueue instead of waiting for its poll")
    func sameProcessSignals() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let store = try SQLiteStore(path: folder.path("accolade.sqlite"), logger: testLogger)
        try await store.migrate()
        let signals = try #require(store.workSignals())
        _ = try await store.enqueue([Fixtures.request()])
        // The stream buffers the signal. Race it against a deadline so a missing signal fails
        // the test instead of hanging it.
        let woken = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                var iterator = signals.makeAsyncIterator()
                return await iterator.next() != nil
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(10))
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        #expect(woken)
        try store.close()
    }

    @Test("a closed and reopened file still holds messages, deliveries and attempts")
    func durability() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path("nested/deeper/accolade.sqlite")
        let request = Fixtures.request(key: "k", channels: [.email, .sms])
        do {
            let store = try SQLiteStore(path: path, logger: testLogger)
            try await store.migrate()
            _ = try await store.enqueue([request])
            let claimed = try await store.claim(owner: "w", limit: 1, now: Fixtures.t0, lease: 30)
            _ = try await store.complete([Fixtures.update(claimed[0], owner: "w", state: .sent, now: Fixtures.at(1))])
            try store.close()
        }
        let reopened = try SQLiteStore(path: path, logger: testLogger)
        try await reopened.migrate()
        #expect(try await reopened.message(id: request.message.id) == request.message)
        let deliveries = try await reopened.deliveries(messageID: request.message.id)
        #expect(deliveries.map(\.state).sorted { $0.rawValue < $1.rawValue } == [.available, .sent])
        #expect(try await reopened.attempts(messageID: request.message.id).count == 1)
        let replay = try await reopened.enqueue([Fixtures.request(key: "k", channels: [.email, .sms])])
        #expect(replay.first?.isReplayed == true)
        let migrations = try await reopened.pool.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") }
        #expect(migrations == ["v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11", "v12", "v13", "v14", "v15", "v16"])
        let mode = try await reopened.pool.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        let sync = try await reopened.pool.write { try Int.fetchOne($0, sql: "PRAGMA synchronous") }
        #expect(sync == 2)  // FULL
        try reopened.close()
    }

    @Test("an unusable path fails with advice")
    func unusablePath() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        // A directory where the file should be cannot be opened as a database.
        #expect(throws: SQLiteStoreError.self) { try SQLiteStore(path: folder.path(""), logger: testLogger) }
        let blocker = folder.path("file")
        #expect(FileManager.default.createFile(atPath: blocker, contents: Data()))
        #expect(throws: SQLiteStoreError.self) { try SQLiteStore(path: blocker + "/sub/db.sqlite", logger: testLogger) }
    }

    @Test("concurrent migrations from separate connections both succeed")
    func concurrentMigrate() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let stores = try (0..<4).map { _ in try SQLiteStore(path: folder.path("db.sqlite"), logger: testLogger) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for store in stores { group.addTask { try await store.migrate() } }
            try await group.waitForAll()
        }
        #expect(try await stores[0].enqueue([Fixtures.request()]).count == 1)
    }

    @Test("separate connections (as separate processes would) share one key and never double-claim")
    func separateConnections() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path("db.sqlite")
        let stores = try (0..<5).map { _ in try SQLiteStore(path: path, logger: testLogger) }
        try await stores[0].migrate()

        let results = try await withThrowingTaskGroup(of: EnqueueResult.self) { group in
            for i in 0..<50 {
                let store = stores[i % stores.count]
                group.addTask { try await store.enqueue([Fixtures.request(key: "one", fingerprint: "f")])[0] }
            }
            return try await group.reduce(into: [EnqueueResult]()) { $0.append($1) }
        }
        #expect(results.filter(\.isCreated).count == 1 && Set(results.map(\.messageID)).count == 1)

        for _ in 0..<4 { _ = try await stores[0].enqueue((0..<500).map { _ in Fixtures.request() }) }
        let ids = try await withThrowingTaskGroup(of: [String].self) { group in
            for (n, store) in stores.prefix(4).enumerated() {
                group.addTask {
                    var mine: [String] = []
                    for _ in 0..<1000 {
                        let batch = try await store.claim(owner: "p\(n)", limit: 32, now: Fixtures.at(1), lease: 60)
                        if batch.isEmpty { break }
                        mine += batch.map(\.delivery.id)
                    }
                    return mine
                }
            }
            return try await group.reduce(into: [String]()) { $0 += $1 }
        }
        #expect(ids.count == 2001 && Set(ids).count == 2001)
    }

    @Test("the claim query walks the due index instead of sorting, with or without a channel filter", arguments: [false, true])
    func claimPlan(filtered: Bool) async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let store = try SQLiteStore(path: folder.path("db.sqlite"), logger: testLogger)
        try await store.migrate()
        let plan = try await store.pool.read { db in
            let arguments: StatementArguments = filtered ? ["w", 1, 1, 1, 10, #"["email"]"#] : ["w", 1, 1, 1, 10]
            return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + SQLiteStore.claimSQL(filtered: filtered), arguments: arguments)
                .map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.contains("deliveries_due") })
        #expect(!plan.contains { $0.contains("TEMP B-TREE") })
    }

    @Test("stored data is plain JSON with doubles marked")
    func dataColumn() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let store = try SQLiteStore(path: folder.path("db.sqlite"), logger: testLogger)
        try await store.migrate()
        let request = Fixtures.request(Fixtures.message(data: .object(["a": .int(1), "b": .double(1)])))
        _ = try await store.enqueue([request])
        let data = try await store.pool.read { try String.fetchOne($0, sql: "SELECT data FROM messages") }
        #expect(data == #"{"a":1,"b":1.0}"#)
        let unstorable = Fixtures.request(Fixtures.message(data: .object(["x": .double(.nan)])))
        await #expect(throws: SQLiteStoreError.self) { try await store.enqueue([unstorable]) }
    }
}
