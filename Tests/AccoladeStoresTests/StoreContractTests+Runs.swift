import AccoladeCore
import Foundation
import Testing

/// The `WorkflowRunStore` contract: starting runs idempotently, claiming under leases,
/// owner-guarded advances, release and listings. (Throttles, digests, wakes and cancellation:
/// `StoreContractTests+RunEvents.swift`.)
@Suite("Store contract: workflow runs")
struct StoreContractRunTests {
    @Test("startRuns stores runs that read back equal; same key replays, another fingerprint conflicts", arguments: StoreFactory.all)
    func startReplayConflict(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let keyed = RunFixtures.run(key: "evt-1", cancellationKey: "deal-9", rewardCode: "RW-7Q2K")
            let plain = RunFixtures.run(createdAt: Fixtures.at(1))
            let first = try await store.startRuns([keyed, plain])
            #expect(first.map(\.created) == [keyed, plain])
            #expect(try await store.run(id: keyed.id) == keyed)
            #expect(try await store.run(id: plain.id) == plain)
            #expect(try await store.runSteps(runID: keyed.id).isEmpty)

            // Same key, recipient and workflow: replay (same fingerprint) or conflict (another);
            // the same key for another recipient or workflow is a new run; no key never collides.
            var otherRecipient = RunFixtures.run(createdAt: Fixtures.at(2), recipient: Recipient(email: "budi@example.test"), key: "evt-1")
            otherRecipient.fingerprint = "fp-other"
            let otherWorkflow = RunFixtures.run(createdAt: Fixtures.at(3), workflow: "kudos", key: "evt-1")
            let again = try await store.startRuns([
                RunFixtures.run(createdAt: Fixtures.at(4), key: "evt-1"),
                RunFixtures.run(createdAt: Fixtures.at(5), key: "evt-1", fingerprint: "fp-2"),
                otherRecipient, otherWorkflow, RunFixtures.run(createdAt: Fixtures.at(6)),
            ])
            #expect(again[0].replayed == keyed)
            #expect(again[1].conflictID == keyed.id)
            #expect(again[2].created == otherRecipient && again[3].created == otherWorkflow && again[4].created != nil)

            // Within one batch the first of a key wins.
            let a = RunFixtures.run(createdAt: Fixtures.at(7), key: "evt-2")
            let b = RunFixtures.run(createdAt: Fixtures.at(8), key: "evt-2", fingerprint: "fp-x")
            let batch = try await store.startRuns([a, b])
            #expect(batch[0].created == a && batch[1].conflictID == a.id)
            #expect(try await store.run(id: b.id) == nil)
        }
    }

    @Test("claimRuns takes due runs only, oldest due first, each once", arguments: StoreFactory.all)
    func claimDueOldestFirst(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let runs = [3, 1, 2].map { RunFixtures.run(createdAt: Fixtures.at($0), dueAt: Fixtures.at(Int64($0) * 1000)) }
            let later = RunFixtures.run(createdAt: Fixtures.at(9), dueAt: Fixtures.at(60_000))
            _ = try await store.startRuns(runs + [later])

            #expect(try await store.claimRuns(owner: "w1", limit: 10, now: Fixtures.t0, lease: 300).isEmpty)
            let claimed = try await store.claimRuns(owner: "w1", limit: 2, now: Fixtures.at(5_000), lease: 300)
            #expect(claimed.map(\.run.id) == [runs[1].id, runs[2].id])
            #expect(claimed.allSatisfy { $0.run.state == .running && $0.lastMessageStates.isEmpty && $0.digestEvents == nil })
            let rest = try await store.claimRuns(owner: "w2", limit: 10, now: Fixtures.at(5_000), lease: 300)
            #expect(rest.map(\.run.id) == [runs[0].id])
            #expect(try await store.claimRuns(owner: "w3", limit: 10, now: Fixtures.at(5_000), lease: 300).isEmpty)
            #expect(try await store.run(id: runs[0].id)?.state == .running)
            #expect(try await store.claimRuns(owner: "w3", limit: 10, now: Fixtures.at(60_000), lease: 300).map(\.run.id) == [later.id])
        }
    }

    @Test("concurrent claimers never take the same run", arguments: StoreFactory.all)
    func concurrentClaimers(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let runs = (0..<60).map { RunFixtures.run(createdAt: Fixtures.at(Int64($0)), dueAt: Fixtures.at(Int64($0))) }
            _ = try await store.startRuns(runs)
            let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
                for worker in 0..<4 {
                    group.addTask {
                        var mine: [String] = []
                        for _ in 0..<40 {
                            let batch = try await store.claimRuns(owner: "w\(worker)", limit: 3, now: Fixtures.at(1_000), lease: 30)
                            if batch.isEmpty { break }
                            #expect(batch.allSatisfy { $0.run.state == .running })
                            mine += batch.map(\.run.id)
                        }
                        return mine
                    }
                }
                return try await group.reduce(into: [String]()) { $0 += $1 }
            }
            #expect(claimed.count == 60 && Set(claimed) == Set(runs.map(\.id)))
        }
    }

    @Test("a heartbeat keeps the lease; an expired one is reclaimed and the old owner is fenced off", arguments: StoreFactory.all)
    func leases(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let run = RunFixtures.run()
            _ = try await store.startRuns([run])
            _ = try await store.claimRuns(owner: "old", limit: 1, now: Fixtures.t0, lease: 30)
            #expect(try await store.extendRunLeases(owner: "someone", runIDs: [run.id], now: Fixtures.at(20_000), lease: 30) == 0)
            #expect(try await store.extendRunLeases(owner: "old", runIDs: [run.id], now: Fixtures.at(20_000), lease: 30) == 1)
            #expect(try await store.claimRuns(owner: "new", limit: 1, now: Fixtures.at(40_000), lease: 30).isEmpty)
            #expect(try await store.claimRuns(owner: "new", limit: 1, now: Fixtures.at(50_000), lease: 30).isEmpty)
            let taken = try await store.claimRuns(owner: "new", limit: 1, now: Fixtures.at(50_001), lease: 30)
            #expect(taken.map(\.run.id) == [run.id])

            let late = RunAdvance(
                runID: run.id, leaseOwner: "old", records: [RunFixtures.sent(messageID: "m-late", at: Fixtures.at(50_002))],
                lastMessageID: "m-late", next: .finish(.completed, reason: nil), now: Fixtures.at(50_002))
            #expect(try await store.advanceRun(late) == false)
            #expect(try await store.extendRunLeases(owner: "old", runIDs: [run.id], now: Fixtures.at(50_003), lease: 30) == 0)
            #expect(try await store.releaseRuns(owner: "old", runIDs: [run.id], now: Fixtures.at(50_003)) == 0)
            let stored = try await store.run(id: run.id)
            #expect(stored?.state == .running && stored?.lastMessageID == nil)
            #expect(try await store.runSteps(runID: run.id).isEmpty)
        }
    }

    @Test("advanceRun applies records and each RunNext only under the claimer's lease", arguments: StoreFactory.all)
    func advance(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let run = RunFixtures.run()
            _ = try await store.startRuns([run])
            _ = try await store.claimRuns(owner: "w", limit: 1, now: Fixtures.t0, lease: 30)

            let now = Fixtures.at(100)
            let send = RunFixtures.sent(messageID: "m-1", at: now)
            let wait = RunStepRecord(step: 1, kind: "wait", outcome: .waiting, until: Fixtures.at(86_400_000), at: now)
            let wake = RunNext.wake(step: 1, at: Fixtures.at(86_400_000), deadline: Fixtures.at(86_400_000))
            #expect(try await store.advanceRun(RunAdvance(runID: run.id, leaseOwner: "other", records: [send], next: wake, now: now)) == false)
            #expect(try await store.advanceRun(RunAdvance(runID: "run_missing", leaseOwner: "w", records: [], next: wake, now: now)) == false)
            let advance = RunAdvance(runID: run.id, leaseOwner: "w", records: [send, wait], lastMessageID: "m-1", next: wake, now: now)
            #expect(try await store.advanceRun(advance))
            #expect(try await store.advanceRun(advance) == false)  // no longer running: a repeat changes nothing

            var stored = try #require(try await store.run(id: run.id))
            #expect(stored.state == .scheduled && stored.cursor == 1 && stored.lastMessageID == "m-1")
            #expect(stored.dueAt == Fixtures.at(86_400_000) && stored.deadline == Fixtures.at(86_400_000) && stored.updatedAt == now)
            #expect(try await store.runSteps(runID: run.id) == [send, wait])

            // Due at its deadline: claimed, and finished with a reason; the records append.
            let claimed = try await store.claimRuns(owner: "w2", limit: 1, now: Fixtures.at(86_400_000), lease: 30)
            #expect(claimed.first?.run.lastMessageID == "m-1" && claimed.first?.lastMessageStates == [])
            let end = Fixtures.at(86_400_001)
            let timedOut = RunStepRecord(step: 1, kind: "wait", outcome: .timedOut, reason: "not read within 24h", at: end)
            #expect(
                try await store.advanceRun(
                    RunAdvance(runID: run.id, leaseOwner: "w2", records: [timedOut], next: .finish(.failed, reason: "template gone"), now: end)))
            stored = try #require(try await store.run(id: run.id))
            #expect(stored.state == .failed && stored.reason == "template gone" && stored.dueAt == nil && stored.lastMessageID == "m-1")
            #expect(try await store.runSteps(runID: run.id) == [send, wait, timedOut])
            #expect(try await store.claimRuns(owner: "w3", limit: 1, now: Fixtures.at(99_999_999), lease: 30).isEmpty)

            // A completed run: no reason needed.
            let other = RunFixtures.run(createdAt: Fixtures.at(5))
            _ = try await store.startRuns([other])
            _ = try await store.claimRuns(owner: "w", limit: 1, now: Fixtures.at(10), lease: 30)
            #expect(try await store.advanceRun(RunAdvance(runID: other.id, leaseOwner: "w", records: [], next: .finish(.completed, reason: nil), now: Fixtures.at(11))))
            #expect(try await store.run(id: other.id)?.state == .completed)
        }
    }

    @Test("advanceRuns(enqueuing:) stores a batch's messages and advances; a replayed key's record names the stored message", arguments: StoreFactory.all)
    func advanceEnqueuing(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let runs = (1...3).map { RunFixtures.run(createdAt: Fixtures.at($0)) }
            _ = try await store.startRuns(runs)
            #expect(try await store.claimRuns(owner: "w", limit: 3, now: Fixtures.at(10), lease: 30).count == 3)
            // runs[1]'s message was enqueued by an execution that died before its advance.
            let earlier = Fixtures.request(key: WorkflowRun.sendIdempotencyKey(runID: runs[1].id, step: 0))
            _ = try await store.enqueue([earlier])

            let now = Fixtures.at(100)
            let wake = RunNext.wake(step: 1, at: Fixtures.at(86_400_000), deadline: Fixtures.at(86_400_000))
            let requests = runs.map { Fixtures.request(key: WorkflowRun.sendIdempotencyKey(runID: $0.id, step: 0), now: now) }
            var advances = zip(runs, requests).map { run, request in
                RunAdvance(
                    runID: run.id, leaseOwner: "w", records: [RunFixtures.sent(messageID: request.message.id, at: now)],
                    lastMessageID: request.message.id, next: wake, now: now)
            }
            advances[2].leaseOwner = "other"  // not this claimer's: refused
            let applied = try await store.advanceRuns(advances, enqueuing: requests.map { [$0] })
            #expect(applied == [true, true, false])

            #expect(try await store.message(id: requests[0].message.id) != nil)
            #expect(try await store.run(id: runs[0].id)?.lastMessageID == requests[0].message.id)
            #expect(try await store.runSteps(runID: runs[0].id).map(\.messageID) == [requests[0].message.id])
            // The replay: the earlier message stands and the run names it, not the planned id.
            #expect(try await store.message(id: requests[1].message.id) == nil)
            #expect(try await store.run(id: runs[1].id)?.lastMessageID == earlier.message.id)
            #expect(try await store.runSteps(runID: runs[1].id).map(\.messageID) == [earlier.message.id])
            #expect(try await store.runSteps(runID: runs[2].id).isEmpty)
            #expect(try await store.run(id: runs[2].id)?.state == .running)
        }
    }

    @Test("advanceRuns writes each run of a batch its own change and records; a later batch appends and keeps the last message", arguments: StoreFactory.all)
    func advanceBatch(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let runs = (1...3).map { RunFixtures.run(createdAt: Fixtures.at($0)) }
            _ = try await store.startRuns(runs)
            #expect(try await store.claimRuns(owner: "w", limit: 3, now: Fixtures.at(10), lease: 30).count == 3)

            let now = Fixtures.at(100)
            let sentA = RunFixtures.sent(messageID: "m-a", at: now)
            let waitA = RunStepRecord(step: 1, kind: "wait", outcome: .waiting, until: Fixtures.at(300), at: now)
            let sentB = RunFixtures.sent(messageID: "m-b", at: now)
            let applied = try await store.advanceRuns([
                RunAdvance(
                    runID: runs[0].id, leaseOwner: "w", records: [sentA, waitA], lastMessageID: "m-a",
                    next: .wake(step: 1, at: Fixtures.at(200), deadline: Fixtures.at(300)), now: now),
                RunAdvance(runID: runs[1].id, leaseOwner: "w", records: [sentB], lastMessageID: "m-b", next: .finish(.completed, reason: nil), now: now),
                RunAdvance(runID: runs[2].id, leaseOwner: "w", records: [], next: .finish(.failed, reason: "template \"gone\"\n"), now: now),
            ])
            #expect(applied == [true, true, true])
            let a = try #require(try await store.run(id: runs[0].id))
            #expect(a.state == .scheduled && a.cursor == 1 && a.lastMessageID == "m-a" && a.reason == nil)
            #expect(a.dueAt == Fixtures.at(200) && a.deadline == Fixtures.at(300) && a.updatedAt == now)
            let b = try #require(try await store.run(id: runs[1].id))
            #expect(b.state == .completed && b.lastMessageID == "m-b" && b.dueAt == nil)
            let c = try #require(try await store.run(id: runs[2].id))
            #expect(c.state == .failed && c.reason == "template \"gone\"\n" && c.lastMessageID == nil)
            #expect(try await store.runSteps(runID: runs[0].id) == [sentA, waitA])
            #expect(try await store.runSteps(runID: runs[1].id) == [sentB])
            #expect(try await store.runSteps(runID: runs[2].id).isEmpty)

            // The lease was released: due at 200, claimed again; no message this time keeps m-a.
            #expect(try await store.claimRuns(owner: "w2", limit: 3, now: Fixtures.at(200), lease: 30).map(\.run.id) == [runs[0].id])
            let end = Fixtures.at(201)
            let late = RunStepRecord(step: 1, kind: "wait", outcome: .timedOut, reason: "not read", at: end)
            #expect(
                try await store.advanceRuns([
                    RunAdvance(runID: runs[0].id, leaseOwner: "w2", records: [late], next: .finish(.failed, reason: "late"), now: end)
                ]) == [true])
            let done = try #require(try await store.run(id: runs[0].id))
            #expect(done.state == .failed && done.reason == "late" && done.lastMessageID == "m-a" && done.dueAt == nil)
            #expect(try await store.runSteps(runID: runs[0].id) == [sentA, waitA, late])
        }
    }

    @Test("releaseRuns hands the owner's runs back, due now and otherwise unchanged", arguments: StoreFactory.all)
    func release(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let run = RunFixtures.run(dueAt: Fixtures.at(10))
            _ = try await store.startRuns([run])
            _ = try await store.claimRuns(owner: "w", limit: 1, now: Fixtures.at(20), lease: 30)
            #expect(try await store.releaseRuns(owner: "other", runIDs: [run.id], now: Fixtures.at(30)) == 0)
            #expect(try await store.releaseRuns(owner: "w", runIDs: [run.id], now: Fixtures.at(30)) == 1)
            let stored = try #require(try await store.run(id: run.id))
            #expect(stored.state == .scheduled && stored.dueAt == Fixtures.at(30) && stored.cursor == 0)
            #expect(try await store.claimRuns(owner: "w2", limit: 1, now: Fixtures.at(30), lease: 30).map(\.run.id) == [run.id])
        }
    }

    @Test("runs(matching:) filters by workflow, recipient, state and cancellation key, newest first, paged", arguments: StoreFactory.all)
    func listing(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let budi = Recipient(email: "budi@example.test")
            let runs = [
                RunFixtures.run(createdAt: Fixtures.at(1)),
                RunFixtures.run(createdAt: Fixtures.at(2), workflow: "kudos", cancellationKey: "c-1"),
                RunFixtures.run(createdAt: Fixtures.at(3), recipient: budi, cancellationKey: "c-1"),
                RunFixtures.run(createdAt: Fixtures.at(4), workflow: "kudos", recipient: budi),
                RunFixtures.run(createdAt: Fixtures.at(5), dueAt: Fixtures.at(99_000)),
            ]
            _ = try await store.startRuns(runs)
            _ = try await store.claimRuns(owner: "w", limit: 10, now: Fixtures.at(10), lease: 30)  // all but the last
            let ids = { (query: RunQuery) in try await store.runs(matching: query).map(\.id) }
            #expect(try await ids(RunQuery()) == runs.reversed().map(\.id))
            #expect(try await ids(RunQuery(workflow: "kudos")) == [runs[3].id, runs[1].id])
            #expect(try await ids(RunQuery(recipientKey: "budi@example.test")) == [runs[3].id, runs[2].id])
            #expect(try await ids(RunQuery(states: [.scheduled])) == [runs[4].id])
            #expect(try await ids(RunQuery(states: [.scheduled, .running], limit: 2)) == [runs[4].id, runs[3].id])
            #expect(try await ids(RunQuery(cancellationKey: "c-1")) == [runs[2].id, runs[1].id])
            #expect(try await ids(RunQuery(before: runs[3].id, limit: 2)) == [runs[2].id, runs[1].id])
            #expect(try await ids(RunQuery(workflow: "kudos", recipientKey: "crm-42", states: [.running])) == [runs[1].id])
            #expect(try await ids(RunQuery(workflow: "none")).isEmpty)
        }
    }
}
