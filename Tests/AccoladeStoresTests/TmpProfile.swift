import AccoladeCore
import Foundation
import GRDB
import Testing
@testable import AccoladeStores

@Suite(.enabled(if: ProcessInfo.processInfo.environment["ACCOLADE_PROFILE"] == "1"))
struct TmpProfile {
    @Test func profile() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let store = try SQLiteStore(path: folder.path("p.sqlite"), logger: testLogger)
        try await store.migrate()
        for _ in 0..<10 { _ = try await store.enqueue((0..<500).map { _ in Fixtures.request() }) }
        let clock = ContinuousClock()
        var owner = 0
        let nowMillis = StoreTime.millis(Fixtures.at(1000))
        let tRaw = try await clock.measure {
            for _ in 0..<5 {
                owner += 1
                let o = owner
                _ = try await store.pool.write { db in
                    try Row.fetchAll(db.cachedStatement(sql: SQLiteStore.claimSQL), arguments: ["o\(o)", nowMillis + 60000, nowMillis, nowMillis, 256]).count
                }
            }
        }
        let tDecode = try await clock.measure {
            for _ in 0..<5 {
                _ = try await store.pool.read { db in
                    try Row.fetchAll(db, sql: "SELECT \(SQLiteRows.deliveryColumns) FROM deliveries LIMIT 256").map(SQLiteRows.delivery).count
                }
            }
        }
        let tMsgRows = try await clock.measure {
            for _ in 0..<5 {
                _ = try await store.pool.read { db in
                    try Row.fetchAll(db, sql: "SELECT \(SQLiteRows.messageColumns) FROM messages LIMIT 256").count
                }
            }
        }
        let tMsgDecode = try await clock.measure {
            for _ in 0..<5 {
                _ = try await store.pool.read { db in
                    try Row.fetchAll(db, sql: "SELECT \(SQLiteRows.messageColumns) FROM messages LIMIT 256").map(SQLiteRows.message).count
                }
            }
        }
        let text = try Fixtures.richData.jsonText()
        let tJSON = try clock.measure { for _ in 0..<1280 { _ = try JSONValue(jsonText: text) } }
        let tClaim = try await clock.measure { for _ in 0..<5 { _ = try await store.claim(owner: "x", limit: 256, now: Fixtures.at(1000), lease: 60) } }
        print("per 256: rawClaim \(tRaw / 5) delivDecode \(tDecode / 5) msgRows \(tMsgRows / 5) msgDecode \(tMsgDecode / 5) json \(tJSON / 5) fullClaim \(tClaim / 5)")
    }
}
