import AccoladeCore
import Foundation
import Synchronization
import Testing

@testable import AccoladeStores

/// The connection URL: parsed part by part, the password never printed.
@Suite("PostgreSQL store URL")
struct PostgresStoreURLTests {
    @Test("a full URL parses, and its redacted form hides the password")
    func full() throws {
        let url = try PostgresStoreURL("postgres://accolade:s%40cret@db.internal:6543/queue?sslmode=disable")
        #expect(url.user == "accolade" && url.password == "s@cret" && url.host == "db.internal")
        #expect(url.port == 6543 && url.database == "queue" && url.tls == .disable)
        #expect(url.redacted == "postgres://accolade:***@db.internal:6543/queue")
    }

    @Test("defaults: port 5432, database named after the user, no password")
    func defaults() throws {
        let url = try PostgresStoreURL("postgresql://ana@127.0.0.1")
        #expect(url.port == 5432 && url.database == "ana" && url.password == nil)
        #expect(url.redacted == "postgres://ana@127.0.0.1:5432/ana")
        let v6 = try PostgresStoreURL("postgres://ana@[::1]:5433/x")
        #expect(v6.host == "::1" && v6.endpoint == "[::1]:5433")
    }

    @Test(
        "each mistake names its part, never the password",
        arguments: [
            ("mysql://u:pw@h/db", "scheme"), ("postgres://h:5432/db", "user"), ("postgres://u:pw@:5432/db", "host"),
            ("postgres://u:pw@h:70000/db", "port"), ("postgres://u:pw@h/a/b", "database"),
            ("postgres://u:pw@h/db?sslmode=prefer", "option sslmode"), ("postgres://u:pw@h/db?x=1", "option x"),
        ])
    func mistakes(text: String, part: String) {
        do {
            _ = try PostgresStoreURL(text)
            Issue.record("\(text) parsed")
        } catch {
            guard case .invalidURL(let named, _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(named == part)
            #expect(!error.description.contains("pw"))
        }
    }
}

/// What only the PostgreSQL backend promises: concurrent migration, one sweeper, clear errors.
@Suite("PostgreSQL store", .enabled(if: PostgresTestServer.shared != nil, "needs ACCOLADE_TEST_POSTGRES_URL (scripts/test.sh starts a cluster)"))
struct PostgresStoreTests {
    @Test("four nodes starting at once apply every migration exactly once")
    func concurrentMigrate() async throws {
        let server = try #require(PostgresTestServer.shared)
        let database = try await server.createDatabase()
        let stores = (0..<4).map { _ in
            try! PostgresStore(url: server.url(database: database), logger: testLogger, maximumConnections: 2).started()
        }
        do {
            #expect(try await stores[0].appliedMigrations().isEmpty)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for store in stores { group.addTask { try await store.migrate() } }
                try await group.waitForAll()
            }
            #expect(try await stores[1].appliedMigrations() == PostgresSchema.migrations.map(\.name))
            #expect(try await stores[2].enqueue([Fixtures.request()]).first?.isCreated == true)
        } catch {
            Issue.record(error)
        }
        for store in stores { await store.stop() }
        await server.dropDatabase(database)
    }

    @Test("concurrent sweeps rescue each expired lease once")
    func concurrentRescue() async throws {
        let factory = try #require(StoreFactory.postgres)
        try await factory.withStore { store in
            _ = try await store.enqueue((0..<200).map { _ in Fixtures.request() })
            #expect(try await store.claim(owner: "dead", limit: 200, now: Fixtures.t0, lease: 30).count == 200)
            var total = 0
            for round in 0..<10 {  // bounded: a sweep that lost the lock returns 0, a later round finds the rest
                let counts = try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<4 {
                        group.addTask {
                            try await store.rescueExpiredLeases(now: Fixtures.at(60_000 + Int64(round)), maxAttempts: 5)
                        }
                    }
                    return try await group.reduce(0, +)
                }
                total += counts
                if total >= 200 { break }
            }
            #expect(total == 200)
            let snapshot = try await store.snapshot(now: Fixtures.at(61_000))
            #expect(snapshot.count(.available) == 200 && snapshot.count(.running) == 0)
            let claimed = try await store.claim(owner: "w", limit: 500, now: Fixtures.at(61_000), lease: 30)
            #expect(claimed.count == 200 && claimed.allSatisfy { $0.delivery.attempts == 1 })
        }
    }

    @Test("an unreachable server fails open with a bounded wait, naming the endpoint")
    func unreachable() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            _ = try await PostgresStore.open(url: "postgres://accolade@127.0.0.1:1/accolade", logger: testLogger)
            Issue.record("opened a store on port 1")
        } catch let error as PostgresStoreError {
            guard case .cannotConnect(let endpoint, _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(endpoint == "127.0.0.1:1")
        }
        // Bounded, not fast: the point is that open gives up instead of retrying forever. The
        // bound is generous because the whole suite shares two cores (53 s seen under load).
        #expect(clock.now - start < .seconds(120))
    }

    @Test("a missing database is a connection error that names it")
    func missingDatabase() async throws {
        let server = try #require(PostgresTestServer.shared)
        do {
            _ = try await PostgresStore.open(url: server.url(database: "no_such_db_x"), logger: testLogger)
            Issue.record("opened a missing database")
        } catch let error as PostgresStoreError {
            #expect(error.description.contains("no_such_db_x"))
        }
    }
}

/// LISTEN/NOTIFY wake-ups.
@Suite("PostgreSQL work signals", .enabled(if: PostgresTestServer.shared != nil, "needs ACCOLADE_TEST_POSTGRES_URL (scripts/test.sh starts a cluster)"))
struct PostgresWorkSignalTests {
    @Test("an enqueue committed by another node wakes a listener")
    func enqueueWakesListener() async throws {
        let server = try #require(PostgresTestServer.shared)
        let database = try await server.createDatabase()
        let listener = try await PostgresStore.open(url: server.url(database: database), logger: testLogger, maximumConnections: 2).started()
        let producer = try await PostgresStore.open(url: server.url(database: database), logger: testLogger, maximumConnections: 2).started()
        let signals = try #require(listener.workSignals())
        let received = Mutex(0)
        let consumer = Task {
            for await _ in signals { received.withLock { $0 += 1 } }
        }
        // The first signal says "connected, look now" (something may have been missed before).
        let clock = ContinuousClock()
        var deadline = clock.now + .seconds(60)
        while received.withLock({ $0 }) < 1, clock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        _ = try await producer.enqueue([Fixtures.request()])
        deadline = clock.now + .seconds(60)  // a bound only; the signal normally takes milliseconds
        while received.withLock({ $0 }) < 2, clock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        let woke = received.withLock { $0 } >= 2
        consumer.cancel()
        #expect(woke)
        await listener.stop()
        await producer.stop()
        await server.dropDatabase(database)
    }
}
