import AccoladeCore
import AccoladeRuntime
import AccoladeStoreTestSupport
import AccoladeStores
import AccoladeTestSupport
import Foundation
import Logging
import Testing

/// What clients see while the store is away: `503` problems with `Retry-After`, never `500`, and
/// never the store's own error text.
@Suite("HTTP API: store outages")
struct StoreOutageTests {
    @Test("another process holds the SQLite write lock: sends answer 503 + Retry-After, then 202 once it is released")
    func sqliteWriteLock() async throws {
        let server = try await APITestServer()
        let lock = try TestServer.python("sqlite_lock.py", [server.store.path])
        // The store waits out its busy timeout (10 s) before giving up on the lock.
        let blocked = try await server.send(APITestServer.reward(), key: "outage-1")
        #expect(blocked.status == 503, "\(blocked.text)")
        #expect(blocked.header("Content-Type") == "application/problem+json")
        #expect(blocked.header("Retry-After") == "2")
        #expect(try blocked.json()["type"] as? String == "urn:accolade:problem:store-unavailable")
        #expect(!blocked.text.lowercased().contains("locked"), "store error text leaked: \(blocked.text)")
        lock.stop()
        let retried = try await server.send(APITestServer.reward(), key: "outage-1")
        #expect(retried.status == 202, "\(retried.text)")
        await server.stop()
    }

    @Test("PostgreSQL on a closed port: /readyz answers 503 within its deadline and echoes nothing of the error")
    func postgresUnreachable() async throws {
        let port = try FreePort.pick()
        let url = "postgres://accolade:secret-password@127.0.0.1:\(port)/accolade"
        let postgres = try PostgresStore(url: url, logger: Logger(label: "pg-down"))
        // Running, as in `accolade serve`: its pool keeps trying to connect while the API answers.
        try await ServiceScope.run([postgres], logger: Logger(label: "pg-down")) {
            let server = try await APITestServer(serving: { _ in postgres }, readinessTimeout: .seconds(2))
            let started = ContinuousClock.now
            let ready = try await server.request("GET", "/readyz", token: nil)
            // Well under the pool's own minute of retries, with room for a loaded machine.
            #expect(ContinuousClock.now - started < .seconds(45))
            #expect(ready.status == 503, "\(ready.text)")
            #expect(ready.header("Content-Type") == "application/problem+json")
            #expect(ready.header("Retry-After") != nil)
            for leak in ["\(port)", "refused", "secret-password", "connect"] {
                #expect(!ready.text.lowercased().contains(leak), "readyz leaked \(leak): \(ready.text)")
            }
            let metrics = try await server.request("GET", "/metrics", token: nil)
            #expect(metrics.status == 200)
            #expect(metrics.text.contains("accolade_store_up 0"))
            await server.stop()
        }
    }

    @Test("a store that fails every call: sends, batches, reads and retries answer 503, validation stays 422")
    func failingStore() async throws {
        let server = try await APITestServer(serving: { FailingStore($0) })
        let send = try await server.send(APITestServer.reward())
        #expect(send.status == 503, "\(send.text)")
        #expect(send.header("Retry-After") == "2")
        let invalid = try await server.send(["template": "reward-earned", "to": ["email": "not-an-address"]])
        #expect(invalid.status == 422, "\(invalid.text)")
        let batchBody = try JSONSerialization.data(withJSONObject: ["messages": [APITestServer.reward()]])
        let batch = try await server.request("POST", "/v1/messages/batch", json: String(decoding: batchBody, as: UTF8.self))
        #expect(batch.status == 503, "\(batch.text)")
        for (method, path) in [("GET", "/v1/messages"), ("GET", "/v1/messages/m-1"), ("POST", "/v1/messages/m-1/retry")] {
            let r = try await server.request(method, path)
            #expect(r.status == 503, "\(method) \(path): \(r.status) \(r.text)")
            #expect(r.header("Content-Type") == "application/problem+json")
            #expect(!r.text.contains("simulated"), "store error text leaked: \(r.text)")
        }
        #expect(try await server.request("GET", "/readyz", token: nil).status == 503)
        await server.stop()
    }

    @Test("many concurrent /readyz and /metrics requests read the queue snapshot once")
    func snapshotIsShared() async throws {
        let counting = CountingStore.Box()
        let server = try await APITestServer(serving: { CountingStore($0, counter: counting) })
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<40 {
                group.addTask { try await server.request("GET", i % 2 == 0 ? "/readyz" : "/metrics", token: nil).status }
            }
            for try await status in group { #expect(status == 200) }
        }
        // 2 s cache: one read per window the requests spanned (a loaded machine can stretch forty
        // requests over several windows), never one per request.
        let windows = Int(((ContinuousClock.now - started) / .seconds(2)).rounded(.up))
        #expect(counting.snapshots <= 1 + windows, "snapshot read \(counting.snapshots) times in \(windows) windows")
        #expect(counting.snapshots < 40)
        await server.stop()
    }
}

/// Every call fails as an unreachable store would.
final class FailingStore: ForwardingStore, @unchecked Sendable {
    struct Down: Error, CustomStringConvertible {
        var description: String { "simulated: connection refused by 127.0.0.1:5432" }
    }

    override func enqueue(_ requests: [EnqueueRequest]) async throws -> [EnqueueResult] { throw Down() }
    override func message(id: String) async throws -> Message? { throw Down() }
    override func messages(matching query: MessageQuery) async throws -> [Message] { throw Down() }
    override func snapshot(now: Date) async throws -> QueueSnapshot { throw Down() }
}

/// Counts snapshot reads.
final class CountingStore: ForwardingStore, @unchecked Sendable {
    final class Box: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        var snapshots: Int { lock.withLock { count } }
        func increment() { lock.withLock { count += 1 } }
    }

    let counter: Box

    init(_ base: SQLiteStore, counter: Box) {
        self.counter = counter
        super.init(base)
    }

    override func snapshot(now: Date) async throws -> QueueSnapshot {
        counter.increment()
        return try await super.snapshot(now: now)
    }
}
