import AccoladeCore
import Foundation
import GRDB
import Testing

@testable import AccoladeStores

/// Which store errors a worker waits out quietly and which need an operator; and leases on
/// PostgreSQL's clock rather than a (possibly skewed) worker's.
@Suite("Store faults and clocks")
struct StoreFaultClassificationTests {
    @Test("SQLite: busy and locked pass; a full disk, a read-only or damaged file, a missing schema need an operator")
    func sqlite() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let store = try SQLiteStore(path: folder.path("db.sqlite"), logger: testLogger)
        #expect(store.fault(of: DatabaseError(resultCode: .SQLITE_BUSY, message: "database is locked")) == .transient)
        #expect(store.fault(of: DatabaseError(resultCode: .SQLITE_LOCKED)) == .transient)
        #expect(store.fault(of: CancellationError()) == .transient)
        for code in [ResultCode.SQLITE_FULL, .SQLITE_READONLY, .SQLITE_CORRUPT, .SQLITE_NOTADB, .SQLITE_CANTOPEN] {
            guard case .permanent(let advice) = store.fault(of: DatabaseError(resultCode: code)) else {
                Issue.record("\(code) should need an operator")
                continue
            }
            #expect(advice.contains(folder.path("db.sqlite")))
        }
        // A store used before `migrate`: the real error, classified.
        do {
            _ = try await store.snapshot(now: Date())
            Issue.record("an unmigrated store answered")
        } catch {
            guard case .permanent(let advice) = store.fault(of: error) else { Issue.record("\(error) is not permanent"); return }
            #expect(advice.contains("accolade migrate"))
        }
    }

    @Test("PostgreSQL: a refused connection passes; a missing schema needs an operator")
    func postgres() async throws {
        guard let server = PostgresTestServer.forTest() else { return }  // recorded: a known issue, or a failure in CI
        let closed = try PostgresStore(url: "postgres://accolade@127.0.0.1:\(try Self.closedPort())/accolade", logger: testLogger, maximumConnections: 1)
        do {
            try await closed.checkConnection()
            Issue.record("a closed port answered")
        } catch {
            #expect(closed.fault(of: error) == .transient)
        }

        let database = try await server.createDatabase()
        let unmigrated = try PostgresStore(url: server.url(database: database), logger: testLogger, maximumConnections: 1).started()
        do {
            _ = try await unmigrated.snapshot(now: Date())
            Issue.record("an unmigrated store answered")
        } catch {
            guard case .permanent(let advice) = unmigrated.fault(of: error) else { Issue.record("\(error) is not permanent"); return }
            #expect(advice.contains("accolade migrate"))
        }
        await unmigrated.stop()
        await server.dropDatabase(database)
    }

    @Test("PostgreSQL leases follow the server's clock: a worker an hour ahead neither sets nor judges them")
    func serverClock() async throws {
        guard let server = PostgresTestServer.forTest() else { return }  // recorded: a known issue, or a failure in CI
        let database = try await server.createDatabase()
        let store = try await PostgresStore.open(url: server.url(database: database), logger: testLogger, maximumConnections: 2).started()
        let request = Fixtures.request(now: Date())
        _ = try await store.enqueue([request])
        let ahead = Date().addingTimeInterval(3600)
        let claimed = try await store.claim(owner: "ahead", limit: 1, now: ahead, lease: 30)
        #expect(claimed.count == 1)
        var expiry = try #require(try await store.deliveries(messageID: request.message.id).first?.leaseExpiresAt)
        #expect(abs(expiry.timeIntervalSinceNow - 30) < 10, "lease set from the server's clock, not the worker's")
        #expect(try await store.rescueExpiredLeases(now: ahead, maxAttempts: 3) == 0, "a sweeper an hour ahead rescues nothing")
        #expect(try await store.extendLeases(owner: "ahead", deliveryIDs: claimed.map(\.delivery.id), now: ahead, lease: 120) == 1)
        expiry = try #require(try await store.deliveries(messageID: request.message.id).first?.leaseExpiresAt)
        #expect(abs(expiry.timeIntervalSinceNow - 120) < 10)
        await store.stop()
        await server.dropDatabase(database)
    }

    /// A port nothing listens on (bound, then closed again).
    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
