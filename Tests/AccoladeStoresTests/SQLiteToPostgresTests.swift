import AccoladeCore
import Foundation
import GRDB
import Testing

@testable import AccoladeStores

/// `accolade store migrate-from-sqlite`: a SQLite queue and log copied into PostgreSQL.
@Suite("SQLite to PostgreSQL copy", .enabled(if: PostgresTestServer.shared != nil, "needs ACCOLADE_TEST_POSTGRES_URL (scripts/test.sh starts a cluster)"))
struct SQLiteToPostgresTests {
    /// A populated SQLite store, a fresh PostgreSQL store, and a copier between them (batch of 7
    /// so every table spans several batches).
    struct Pair {
        let sqlite: SQLiteStore
        let postgres: PostgresStore
        let copier: SQLiteToPostgresCopier
    }

    func withPair(_ body: (Pair) async throws -> Void) async throws {
        let server = try #require(PostgresTestServer.shared)
        let folder = TemporaryFolder()
        let database = try await server.createDatabase()
        let sqlite = try await SQLiteStore.open(path: folder.path("old.sqlite"), logger: testLogger)
        let postgres = try await PostgresStore.open(url: server.url(database: database), logger: testLogger, maximumConnections: 2).started()
        let pair = Pair(
            sqlite: sqlite, postgres: postgres,
            copier: SQLiteToPostgresCopier(source: sqlite, target: postgres, batchSize: 7, logger: testLogger))
        do {
            try await body(pair)
        } catch {
            Issue.record(error)
        }
        await postgres.stop()
        try? sqlite.close()
        folder.remove()
        await server.dropDatabase(database)
    }

    /// 30 messages (some with two channels in fallback), half delivered, some failed with
    /// attempts, two with receipts, two receipts held (one for an unknown provider id, one for a
    /// retryable delivery); returns the message ids.
    func populate(_ store: SQLiteStore) async throws -> [String] {
        var requests: [EnqueueRequest] = []
        for i in 0..<30 {
            let fallback = i % 3 == 0
            requests.append(
                Fixtures.request(
                    key: i % 2 == 0 ? "key-\(i)" : nil, channels: fallback ? [.sms, .email] : [.email],
                    mode: fallback ? .fallback : .all))
        }
        _ = try await store.enqueue(requests)
        let claimed = try await store.claim(owner: "w", limit: 20, now: Fixtures.at(10), lease: 30)
        let updates = claimed.enumerated().map { i, c in
            Fixtures.update(c, owner: "w", state: i % 4 == 0 ? .retryable : .sent, now: Fixtures.at(20),
                            nextAttemptAt: i % 4 == 0 ? Fixtures.at(5_000) : nil, providerMessageID: "p-\(i)")
        }
        #expect(try await store.complete(updates) == 20)
        try await store.pool.write { db in
            for c in claimed.prefix(2) {
                try db.execute(
                    sql: "INSERT INTO receipts (delivery_id, status, provider, received_at, detail) VALUES (?, 'delivered', 'smtp', ?, 'ok')",
                    arguments: [c.delivery.id, StoreTime.millis(Fixtures.at(30))])
            }
        }
        // Two inbox items in one feed, the first read.
        let sent = claimed.enumerated().filter { $0.offset % 4 != 0 }.map(\.element).prefix(2)
        let items = try await store.writeInboxItems(sent.map {
            StoreInboxContractTests.item($0.delivery.id, messageID: $0.message.id, recipient: "crm-42", at: 25)
        })
        _ = try await store.markInbox(.read, .item(items[0].id), recipientKey: "crm-42", at: Fixtures.at(26))
        for reference in [ReceiptReport.Reference.providerMessageID("SM-early"), .deliveryID(claimed[0].delivery.id)] {
            let report = ReceiptReport(
                reference: reference, state: .delivered, provider: "twilio", providerEventID: "e", occurredAt: nil,
                receivedAt: Fixtures.at(40), detail: nil)
            #expect(try await store.recordReceipt(report) == .held)
        }
        return requests.map(\.message.id)
    }

    @Test("every row arrives, reads back identically, and a second run copies nothing")
    func copiesEverything() async throws {
        try await withPair { pair in
            let ids = try await populate(pair.sqlite)
            let reports = try await pair.copier.copy(now: Fixtures.at(100_000))
            let byTable = Dictionary(uniqueKeysWithValues: reports.map { ($0.table, $0) })
            #expect(reports.map(\.table) == CopyTable.all.map(\.name))
            #expect(byTable["messages"]?.source == 30 && byTable["messages"]?.copied == 30)
            #expect(byTable["deliveries"]?.source == 40 && byTable["deliveries"]?.target == 40)
            #expect(byTable["attempts"]?.copied == 20 && byTable["receipts"]?.copied == 4)  // 2 + the inbox read's delivered and read
            #expect(byTable["unmatched_receipts"]?.copied == 2)
            #expect(byTable["inbox_items"]?.copied == 2 && byTable["inbox_feeds"]?.copied == 1)
            let pgFeed = try await pair.postgres.inboxPage(recipientKey: "crm-42", status: .all, before: nil, limit: 10)
            #expect(pgFeed == (try await pair.sqlite.inboxPage(recipientKey: "crm-42", status: .all, before: nil, limit: 10)))
            #expect(pgFeed.counts == InboxCounts(unread: 1, unseen: 1))
            #expect(try await pair.postgres.inboxHead(recipientKey: "crm-42") == (try await pair.sqlite.inboxHead(recipientKey: "crm-42")))

            for id in ids {
                #expect(try await pair.postgres.message(id: id) == pair.sqlite.message(id: id))
                #expect(try await pair.postgres.deliveries(messageID: id) == pair.sqlite.deliveries(messageID: id))
                #expect(try await pair.postgres.attempts(messageID: id) == pair.sqlite.attempts(messageID: id))
            }
            let pgSnapshot = try await pair.postgres.snapshot(now: Fixtures.at(100_000))
            #expect(pgSnapshot == (try await pair.sqlite.snapshot(now: Fixtures.at(100_000))))

            let again = try await pair.copier.copy(now: Fixtures.at(100_000))
            #expect(again.allSatisfy { $0.copied == 0 && $0.alreadyPresent == $0.source && $0.target == $0.source })
        }
    }

    @Test("the copied queue keeps working: idempotency keys hold, new attempts get fresh ids")
    func copiedQueueWorks() async throws {
        try await withPair { pair in
            _ = try await populate(pair.sqlite)
            _ = try await pair.copier.copy(now: Fixtures.at(100_000))
            let replay = try await pair.postgres.enqueue([Fixtures.request(key: "key-0")])
            #expect(!(replay.first?.isCreated ?? true))
            let claimed = try await pair.postgres.claim(owner: "pg", limit: 100, now: Fixtures.at(200_000), lease: 30)
            #expect(!claimed.isEmpty)
            let updates = claimed.map { Fixtures.update($0, owner: "pg", state: .sent, now: Fixtures.at(200_001)) }
            #expect(try await pair.postgres.complete(updates) == claimed.count)
            // The receipt held for the retryable delivery was applied by its outcome; the other still waits.
            let held = try await pair.postgres.rows("held receipts", "SELECT COUNT(*)::bigint FROM unmatched_receipts")
                .first?.decode(Int64.self)
            #expect(held == 1)
            #expect(try await pair.postgres.snapshot(now: Fixtures.at(200_002)).count(.delivered) == 1)
            let maxID = try await pair.postgres.rows("max attempt id", "SELECT MAX(id)::bigint, COUNT(*)::bigint FROM attempts")
                .first?.decode((Int64, Int64).self)
            #expect(maxID?.0 == maxID?.1)  // 1…n without gaps or clashes: the sequence moved past the copied ids
            // The copied feed goes on at its next sequence, and its change marks move past the copied ones.
            let before = try await pair.postgres.inboxChanges(after: 0, limit: 10).mark
            let next = try await pair.postgres.writeInboxItems([
                StoreInboxContractTests.item(claimed[0].delivery.id, messageID: claimed[0].message.id, recipient: "crm-42", at: 200_003)
            ])
            #expect(next.map(\.sequence) == [3])
            #expect(try await pair.postgres.inboxChanges(after: before, limit: 10).feeds.map(\.recipientKey) == ["crm-42"])
        }
    }

    @Test("workflow runs, their steps, digests and throttle passes arrive and go on working in PostgreSQL")
    func copiesWorkflowRuns() async throws {
        try await withPair { pair in
            let runs = (0..<3).map { RunFixtures.run(createdAt: Fixtures.at(Int64($0)), key: "evt-\($0)", rewardCode: "R-\($0)") }
            _ = try await pair.sqlite.startRuns(runs)
            _ = try await pair.sqlite.claimRuns(owner: "w", limit: 3, now: Fixtures.at(10), lease: 30)
            let now = Fixtures.at(20)
            let throttle = RunNext.throttle(step: 1, limit: 1, since: Fixtures.t0, over: .finish(reason: "throttled"))
            let digest = RunNext.digest(step: 2, key: "k", closesAt: Fixtures.at(60_000))
            let send = RunFixtures.sent(messageID: "m-0", at: now)
            #expect(try await pair.sqlite.advanceRun(RunAdvance(runID: runs[0].id, leaseOwner: "w", records: [send], lastMessageID: "m-0", next: throttle, now: now)))
            #expect(try await pair.sqlite.advanceRun(RunAdvance(runID: runs[1].id, leaseOwner: "w", records: [], next: digest, now: now)))
            #expect(try await pair.sqlite.advanceRun(RunAdvance(runID: runs[2].id, leaseOwner: "w", records: [], next: digest, now: now)))

            let reports = try await pair.copier.copy(now: Fixtures.at(100))
            let byTable = Dictionary(uniqueKeysWithValues: reports.map { ($0.table, $0.copied) })
            #expect(byTable["workflow_runs"] == 3 && byTable["workflow_run_steps"] == 4 && byTable["workflow_throttle_passes"] == 1)
            #expect(byTable["workflow_digests"] == 1 && byTable["workflow_digest_members"] == 2)
            for run in runs {
                #expect(try await pair.postgres.run(id: run.id) == (try await pair.sqlite.run(id: run.id)))
                #expect(try await pair.postgres.runSteps(runID: run.id) == (try await pair.sqlite.runSteps(runID: run.id)))
            }
            #expect(try await pair.postgres.startRuns([RunFixtures.run(createdAt: Fixtures.at(3), key: "evt-0")]).first?.replayed?.id == runs[0].id)

            // The copied pass counts, the copied digest is open for joiners and closes with its members.
            let more = (0..<2).map { RunFixtures.run(createdAt: Fixtures.at(10 + Int64($0))) }
            _ = try await pair.postgres.startRuns(more)
            _ = try await pair.postgres.claimRuns(owner: "pg", limit: 10, now: Fixtures.at(200), lease: 30)
            #expect(try await pair.postgres.advanceRun(RunAdvance(runID: more[0].id, leaseOwner: "pg", records: [], next: throttle, now: Fixtures.at(201))))
            #expect(try await pair.postgres.run(id: more[0].id)?.state == .completed)
            #expect(try await pair.postgres.advanceRun(RunAdvance(runID: more[1].id, leaseOwner: "pg", records: [], next: digest, now: Fixtures.at(202))))
            let owner = try #require(try await pair.postgres.run(id: runs[1].id)?.digestID)
            #expect(try await pair.postgres.run(id: more[1].id)?.reason == "folded into digest \(owner)")
            let closed = try await pair.postgres.claimRuns(owner: "pg", limit: 10, now: Fixtures.at(60_000), lease: 30)
            #expect(closed.first { $0.run.id == runs[1].id }?.digestEvents?.count == 3)
            #expect(try await pair.postgres.recordRedemption(messageID: "m-0", rewardCode: nil, at: Fixtures.at(60_001)) == [runs[0].id])
        }
    }

    @Test("live leases stop the copy unless forced; forced, they expire and are rescued in PostgreSQL")
    func liveLeases() async throws {
        try await withPair { pair in
            _ = try await pair.sqlite.enqueue([Fixtures.request(), Fixtures.request()])
            _ = try await pair.sqlite.claim(owner: "busy", limit: 1, now: Fixtures.at(0), lease: 60)
            await #expect(throws: CopyError.self) { try await pair.copier.copy(now: Fixtures.at(1_000)) }
            #expect(try await pair.postgres.snapshot(now: Fixtures.at(0)).counts.isEmpty)  // nothing written

            let reports = try await pair.copier.copy(force: true, now: Fixtures.at(1_000))
            #expect(reports.first { $0.table == "deliveries" }?.copied == 2)
            #expect(try await pair.postgres.snapshot(now: Fixtures.at(1_000)).count(.running) == 1)
            #expect(try await pair.postgres.rescueExpiredLeases(now: Fixtures.at(61_000), maxAttempts: 5) == 1)
            // An expired lease is no reason to refuse.
            #expect(try await pair.copier.copy(now: Fixtures.at(61_000)).allSatisfy { $0.copied == 0 })
        }
    }

    @Test("a target already holding different rows under the same keys is refused, writing nothing of the batch")
    func conflictingTarget() async throws {
        try await withPair { pair in
            _ = try await pair.sqlite.enqueue([Fixtures.request(key: "shared")])
            // Another queue's message already took the key in PostgreSQL.
            _ = try await pair.postgres.enqueue([Fixtures.request(key: "shared")])
            do {
                _ = try await pair.copier.copy(now: Fixtures.at(1_000))
                Issue.record("copied over a conflicting row")
            } catch let error as CopyError {
                guard case .conflictingRows(let table, let count, _) = error else {
                    Issue.record("unexpected \(error)")
                    return
                }
                #expect(table == "messages" && count == 1)
                #expect(error.description.contains("empty database"))
            }
        }
    }
}

/// The pure parts, without a server.
@Suite("SQLite to PostgreSQL copy rules")
struct SQLiteToPostgresRuleTests {
    @Test("values travel as JSON of their own kind; BLOBs are refused")
    func values() throws {
        #expect(try SQLiteToPostgresCopier.json(DatabaseValue.null, table: "t", column: "c") == .null)
        #expect(try SQLiteToPostgresCopier.json(42.databaseValue, table: "t", column: "c") == .int(42))
        #expect(try SQLiteToPostgresCopier.json("{\"a\":1}".databaseValue, table: "t", column: "c") == .string("{\"a\":1}"))
        #expect(throws: CopyError.unsupportedValue(table: "t", column: "c", kind: "BLOB")) {
            try SQLiteToPostgresCopier.json(Data([1, 2]).databaseValue, table: "t", column: "c")
        }
    }

    @Test("every table of the SQLite schema has a copy entry, parents first")
    func tablesCovered() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let store = try await SQLiteStore.open(path: folder.path("s.sqlite"), logger: testLogger)
        let plan = try await store.pool.read { try SQLiteToPostgresCopier.plan($0, now: 0) }
        #expect(plan.tables.map(\.0.name) == ["messages", "deliveries", "attempts", "receipts", "suppressions", "inbound_activity", "unmatched_receipts", "inbox_feeds", "inbox_items",
            "workflow_runs", "workflow_run_steps", "workflow_digests", "workflow_digest_members", "workflow_throttle_passes", "email_soft_bounces",
            "engagement_events",
            "recipient_preferences",
            "message_redemptions",
        ])
        #expect(plan.liveLeases == nil)
        // A running workflow run under a live lease counts like a running delivery.
        let run = RunFixtures.run()
        _ = try await store.startRuns([run])
        _ = try await store.claimRuns(owner: "w", limit: 1, now: Fixtures.t0, lease: 30)
        let start: Int64 = StoreTime.millis(Fixtures.t0)
        let expiry: Int64 = StoreTime.millis(Fixtures.at(30_000))
        let live = try await store.pool.read { try SQLiteToPostgresCopier.plan($0, now: start) }.liveLeases
        #expect(live?.count == 1 && live?.latest == expiry)
        try await store.pool.write { try $0.execute(sql: "CREATE TABLE extra (x INTEGER)") }
        await #expect(throws: CopyError.unknownTable("extra")) {
            try await store.pool.read { try SQLiteToPostgresCopier.plan($0, now: 0) }
        }
        try store.close()
    }

    @Test("statistics are refreshed when never analysed or far behind, not on steady churn")
    func staleStatistics() {
        #expect(PostgresStore.statisticsAreStale(analysedTuples: -1, modifiedSinceAnalyse: 20_000))
        #expect(!PostgresStore.statisticsAreStale(analysedTuples: -1, modifiedSinceAnalyse: 10))
        #expect(!PostgresStore.statisticsAreStale(analysedTuples: 20_000, modifiedSinceAnalyse: 60_000))
        #expect(PostgresStore.statisticsAreStale(analysedTuples: 100, modifiedSinceAnalyse: 20_000))
    }
}
