import AccoladeCore
import Foundation
import GRDB
import Testing

@testable import AccoladeStores

/// SQLite's pending rollup rows (``RollupSQL/Pending``, issue 18): the triggers append to
/// `report_rollup_pending` and a write that leaves `foldAt` rows folds them at its end, but a
/// report is exact whether or not a fold has happened, and a rebuild clears whatever is pending.
@Suite("SQLite store: pending rollup rows")
struct SQLitePendingRollupsTests {
    /// The UTC day of ``Fixtures/t0`` in quarter-hours (t0 is its 35th quarter-hour, 08:45).
    static let day: Int64 = 1_760_000_000_123 / 900_000 / 96 * 96

    /// Periods that read every grain, some with pieces taken away: the whole range, t0's UTC day,
    /// a local day at +05:45 and at −05:45 around it, t0's quarter-hour, the hour after it, and
    /// a ragged span over three days.
    static let periods: [Range<Int64>] = [
        0..<Int64.max / 2, day..<(day + 96), (day - 23)..<(day + 73), (day + 23)..<(day + 119), (day + 35)..<(day + 36),
        (day + 36)..<(day + 40), (day - 10)..<(day + 200),
    ]

    static func snapshot(_ store: SQLiteStore) async throws -> [RollupRow] {
        try await store.reportRollups(periods: periods, by: ReportDimension.allCases)
            .sorted { "\($0.period)\($0.dimensions)\($0.measure)\($0.currency)" < "\($1.period)\($1.dimensions)\($1.measure)\($1.currency)" }
    }

    static func pending(_ store: SQLiteStore) async throws -> Int {
        try await store.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM report_rollup_pending") ?? 0 }
    }

    /// Messages at several quarter-hours of two UTC days (two in t0's quarter-hour, two more in
    /// its day's other hours), enqueued and then sent in transactions that do not fold.
    static func writeWithoutFolding(_ store: SQLiteStore) async throws {
        let minutes: [Int64] = [0, 5, 20, 130, 900, 1_000, 1_500]
        let requests = minutes.enumerated().map { i, minute in
            let at = Fixtures.at(minute * 60_000)
            return Fixtures.request(
                Fixtures.message(id: Identifier.make(now: at), fingerprint: "pending-\(i)", channels: [.sms, .email], createdAt: at), now: at)
        }
        let rows = try SQLiteStore.enqueueRows(requests)
        _ = try await store.pool.write { db in try SQLiteStore.insertMessages(requests, rows: rows, db: db) }
        // The claim folds (nothing: a claim counts nothing); the outcomes do not.
        let claimed = try await store.claim(owner: "p", limit: 100, now: Fixtures.at(2_000 * 60_000), lease: 30)
        #expect(claimed.count >= 2 * minutes.count)  // both channels of each (and the journey's requeued one)
        let updates = claimed.map { c in
            var u = Fixtures.update(c, owner: "p", state: .sent, now: Fixtures.at(2_001 * 60_000))
            u.attempt?.cost = MicroMoney(micros: 7_000, currency: "USD")
            return u
        }
        let stale = try await store.pool.write { db in try SQLiteStore.apply(updates, db: db) }
        #expect(stale.isEmpty)
    }

    static func makeStore(_ folder: TemporaryFolder) async throws -> SQLiteStore {
        let store = try SQLiteStore(path: folder.path("accolade.sqlite"), logger: testLogger)
        try await store.migrate()
        return store
    }

    @Test("small writes leave their rows pending; the write that brings them to foldAt folds them all")
    func foldsAtThreshold() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let store = try await Self.makeStore(folder)
        _ = try await StoreRollupContractTests.journey(store)
        let left = try await Self.pending(store)
        #expect(left > 0 && left < RollupSQL.Pending.foldAt)
        let journey = try await StoreRollupContractTests.snapshot(store)
        // One message with one delivery appends two rows.
        let requests = (0..<(RollupSQL.Pending.foldAt / 2)).map { i in
            Fixtures.request(Fixtures.message(id: Identifier.make(now: Fixtures.t0), fingerprint: "bulk-\(i)"))
        }
        _ = try await store.enqueue(requests)
        #expect(try await Self.pending(store) == 0)
        let folded = try await StoreRollupContractTests.snapshot(store)
        #expect(folded.filter { $0.measure == "messages" }.reduce(0) { $0 + $1.value } == 2 + Int64(requests.count))
        #expect(folded != journey)
        try await store.rebuildReportRollups()
        #expect(try await StoreRollupContractTests.snapshot(store) == folded)
        try store.close()
    }

    @Test("a read with rows pending equals the read after they are folded, and the fold empties the table")
    func readWithPendingEqualsFolded() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let store = try await Self.makeStore(folder)
        _ = try await StoreRollupContractTests.journey(store)
        try await Self.writeWithoutFolding(store)
        #expect(try await Self.pending(store) > 0)
        let unfolded = try await Self.snapshot(store)
        // The pending rows count: the messages of the whole range are the journey's two and seven.
        let messages = unfolded.filter { $0.period == 0 && $0.measure == "messages" }.reduce(0) { $0 + $1.value }
        #expect(messages == 9)

        try await store.pool.write { db in try SQLiteStore.foldPendingRollups(db, atLeast: 1) }
        #expect(try await Self.pending(store) == 0)
        let folded = try await Self.snapshot(store)
        #expect(folded == unfolded)

        try await store.rebuildReportRollups()
        #expect(try await Self.snapshot(store) == unfolded)
        try store.close()
    }

    @Test("v16 on a v15 file with counters keeps them, and the appending triggers count what comes after")
    func upgradeFromV15() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let store = try SQLiteStore(path: folder.path("accolade.sqlite"), logger: testLogger)
        try SQLiteSchema.migrator.migrate(store.pool, upTo: "v15")
        // The triggers as a binary before v16 made them: every grain upserted in the trigger.
        try await store.pool.write { db in
            for statement in RollupSQL.dropTriggers(.sqlite) + RollupSQL.triggerStatements(.sqlite, pending: false) {
                try db.execute(sql: statement)
            }
        }
        _ = try await StoreRollupContractTests.journey(store)
        let perGrain = try await store.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM report_rollups WHERE grain = 96") ?? 0 }
        #expect(perGrain > 0)
        let before = try await StoreRollupContractTests.snapshot(store)
        #expect(!before.isEmpty)
        try await store.migrate()
        #expect(try await Self.pending(store) == 0)
        #expect(try await StoreRollupContractTests.snapshot(store) == before)
        _ = try await store.enqueue([Fixtures.request(channels: [.email])])
        #expect(try await Self.pending(store) == 2)
        let after = try await StoreRollupContractTests.snapshot(store)
        #expect(after.filter { $0.measure == "messages" }.reduce(0) { $0 + $1.value } == 3)
        try await store.rebuildReportRollups()
        #expect(try await StoreRollupContractTests.snapshot(store) == after)
        try store.close()
    }

    @Test("a rebuild clears rows pending and counts what they came from once")
    func rebuildClearsPending() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let store = try await Self.makeStore(folder)
        try await Self.writeWithoutFolding(store)
        let unfolded = try await Self.snapshot(store)
        #expect(try await Self.pending(store) > 0)
        try await store.rebuildReportRollups()
        #expect(try await Self.pending(store) == 0)
        #expect(try await Self.snapshot(store) == unfolded)
        // The next write's rows are counted once, pending.
        _ = try await store.enqueue([Fixtures.request(channels: [.email])])
        #expect(try await Self.pending(store) == 2)
        let after = try await Self.snapshot(store)
        #expect(after.filter { $0.period == 0 && $0.measure == "messages" }.reduce(0) { $0 + $1.value } == 8)
        try store.close()
    }
}
