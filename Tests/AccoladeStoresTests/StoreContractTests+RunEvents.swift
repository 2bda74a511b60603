import AccoladeCore
import Foundation
import Testing

/// The `WorkflowRunStore` contract for what happens between runs and around them: throttles and
/// digests decided in the advance's transaction, receipts and redemptions waking runs, and
/// cancellation reaching the runs' deliveries.
@Suite("Store contract: workflow run throttles, digests, wakes, cancellation")
struct StoreContractRunEventTests {
    /// Starts `runs` and claims them (and whatever else is due) for `owner` at `now`, under a lease of a day.
    func startAndClaim(_ store: any Store, _ runs: [WorkflowRun], owner: String = "w", now: Date = Fixtures.at(1_000)) async throws {
        _ = try await store.startRuns(runs)
        let claimed = try await store.claimRuns(owner: owner, limit: 100, now: now, lease: 86_400)
        #expect(Set(claimed.map(\.run.id)).isSuperset(of: runs.map(\.id)))
    }

    @Test("a throttle passes exactly its limit under concurrent advances, per workflow and recipient key", arguments: StoreFactory.all)
    func throttleExact(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let runs = (0..<12).map { RunFixtures.run(createdAt: Fixtures.at(Int64($0))) }
            let elsewhere = RunFixtures.run(createdAt: Fixtures.at(20), recipient: Recipient(phone: "+6281100000000"))
            try await startAndClaim(store, runs + [elsewhere])
            let now = Fixtures.at(2_000)
            let throttle = RunNext.throttle(
                step: 1, limit: 3, since: now.addingTimeInterval(-86_400), over: .finish(reason: "throttled: 3 per 1d reached"))
            let applied = try await withThrowingTaskGroup(of: Bool.self) { group in
                for run in runs + [elsewhere] {
                    group.addTask {
                        try await store.advanceRun(RunAdvance(runID: run.id, leaseOwner: "w", records: [], next: throttle, now: now))
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(applied.allSatisfy { $0 } && applied.count == 13)
            var passed = 0
            for run in runs {
                let stored = try #require(try await store.run(id: run.id))
                let steps = try await store.runSteps(runID: run.id)
                #expect(steps.count == 1 && steps[0].step == 1 && steps[0].kind == "throttle")
                if stored.state == .scheduled {
                    passed += 1
                    #expect(stored.cursor == 2 && stored.dueAt == now && steps[0].outcome == .passed)
                } else {
                    #expect(stored.state == .completed && stored.reason == "throttled: 3 per 1d reached")
                    #expect(steps[0].outcome == .throttled && steps[0].reason == "throttled: 3 per 1d reached")
                }
            }
            #expect(passed == 3)
            #expect(try await store.run(id: elsewhere.id)?.state == .scheduled)  // another recipient key: its own count

            // Passes older than the window no longer count; over the limit with `then: digest` the run goes to that step.
            let next = (0..<2).map { RunFixtures.run(createdAt: Fixtures.at(30 + Int64($0)), dueAt: Fixtures.at(90_000_000)) }
            try await startAndClaim(store, next, now: Fixtures.at(90_000_000))
            let later = Fixtures.at(90_000_000)
            let window = RunNext.throttle(step: 1, limit: 1, since: later.addingTimeInterval(-86_400), over: .goToDigest(step: 4))
            #expect(try await store.advanceRun(RunAdvance(runID: next[0].id, leaseOwner: "w", records: [], next: window, now: later)))
            #expect(try await store.advanceRun(RunAdvance(runID: next[1].id, leaseOwner: "w", records: [], next: window, now: later)))
            #expect(try await store.run(id: next[0].id)?.cursor == 2)
            let over = try #require(try await store.run(id: next[1].id))
            #expect(over.state == .scheduled && over.cursor == 4 && over.dueAt == later)
            #expect(try await store.runSteps(runID: next[1].id).map(\.outcome) == [.throttled])
        }
    }

    @Test("a digest: the first run opens it, others fold in, the claim after it closes hands over the events, then a new one opens", arguments: StoreFactory.all)
    func digest(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let events = (0..<4).map { i in JSONValue.object(["kudos": .int(Int64(i))]) }
            let runs = (0..<4).map { i in
                RunFixtures.run(createdAt: Fixtures.at(Int64(i)), rewardCode: "R-\(i)", data: events[i])
            }
            try await startAndClaim(store, runs)
            let closesAt = Fixtures.at(3_600_000)
            let digest = { (now: Date) in RunNext.digest(step: 2, key: "crm-42", closesAt: closesAt) }
            // Another key never joins.
            let otherKey = RunFixtures.run(createdAt: Fixtures.at(9))
            try await startAndClaim(store, [otherKey], owner: "w2")

            #expect(try await store.advanceRun(RunAdvance(runID: runs[0].id, leaseOwner: "w", records: [], next: digest(Fixtures.at(2_000)), now: Fixtures.at(2_000))))
            let owner = try #require(try await store.run(id: runs[0].id))
            let digestID = try #require(owner.digestID)
            #expect(digestID.hasPrefix("dg_") && owner.state == .scheduled && owner.cursor == 2)
            #expect(owner.dueAt == closesAt && owner.deadline == closesAt)
            let opened = try await store.runSteps(runID: runs[0].id)
            #expect(opened.map(\.outcome) == [.waiting] && opened[0].until == closesAt && opened[0].kind == "digest")

            for (i, run) in runs[1...2].enumerated() {
                let now = Fixtures.at(3_000 + Int64(i))
                #expect(try await store.advanceRun(RunAdvance(runID: run.id, leaseOwner: "w", records: [], next: digest(now), now: now)))
                let folded = try #require(try await store.run(id: run.id))
                #expect(folded.state == .completed && folded.reason == "folded into digest \(digestID)")
                #expect(try await store.runSteps(runID: run.id).map(\.outcome) == [.folded])
            }
            #expect(
                try await store.advanceRun(
                    RunAdvance(runID: otherKey.id, leaseOwner: "w2", records: [], next: .digest(step: 2, key: "other", closesAt: closesAt.addingTimeInterval(7_200)), now: Fixtures.at(3_100))))
            #expect(try await store.run(id: otherKey.id)?.digestID != digestID)

            // Woken early (a redemption): the digest is still open, no events; waking at the same step keeps it.
            #expect(try await store.recordRedemption(messageID: nil, rewardCode: "R-0", at: Fixtures.at(4_000)) == [runs[0].id])
            let early = try await store.claimRuns(owner: "w", limit: 5, now: Fixtures.at(4_000), lease: 300)
            #expect(early.map(\.run.id) == [runs[0].id] && early[0].digestEvents == nil)
            let back = RunNext.wake(step: 2, at: closesAt, deadline: closesAt)
            #expect(try await store.advanceRun(RunAdvance(runID: runs[0].id, leaseOwner: "w", records: [], next: back, now: Fixtures.at(4_001))))
            #expect(try await store.run(id: runs[0].id)?.digestID == digestID)

            // The claim at the close hands the events over, the owner's first, and closes the digest.
            let due = try await store.claimRuns(owner: "w", limit: 5, now: closesAt, lease: 300)
            #expect(due.map(\.run.id) == [runs[0].id])
            #expect(due.first?.digestEvents == [events[0], events[1], events[2]])
            // A worker that dies before advancing: the next claimer gets the same events.
            let again = try await store.claimRuns(owner: "w9", limit: 5, now: closesAt.addingTimeInterval(301), lease: 300)
            #expect(again.first?.digestEvents == [events[0], events[1], events[2]])

            // A later event opens a new digest instead of joining the closed one.
            let now = closesAt.addingTimeInterval(302)
            #expect(
                try await store.advanceRun(
                    RunAdvance(runID: runs[3].id, leaseOwner: "w", records: [], next: .digest(step: 2, key: "crm-42", closesAt: now.addingTimeInterval(3_600)), now: now)))
            let fresh = try #require(try await store.run(id: runs[3].id))
            #expect(fresh.state == .scheduled && fresh.digestID != nil && fresh.digestID != digestID)

            // The owner sends its digest and moves on: the digest id is cleared.
            let sent = RunStepRecord(step: 2, kind: "digest", outcome: .sent, messageID: "m-digest", at: now)
            #expect(
                try await store.advanceRun(
                    RunAdvance(runID: runs[0].id, leaseOwner: "w9", records: [sent], lastMessageID: "m-digest", next: .wake(step: 3, at: now, deadline: nil), now: now)))
            let moved = try #require(try await store.run(id: runs[0].id))
            #expect(moved.digestID == nil && moved.cursor == 3 && moved.lastMessageID == "m-digest")
        }
    }

    @Test("concurrent digest steps with one key open one digest and fold every other event into it", arguments: StoreFactory.all)
    func digestConcurrent(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let runs = (0..<10).map { i in RunFixtures.run(createdAt: Fixtures.at(Int64(i)), data: .object(["i": .int(Int64(i))])) }
            try await startAndClaim(store, runs)
            let now = Fixtures.at(2_000)
            let closesAt = Fixtures.at(600_000)
            let applied = try await withThrowingTaskGroup(of: Bool.self) { group in
                for run in runs {
                    group.addTask {
                        try await store.advanceRun(
                            RunAdvance(runID: run.id, leaseOwner: "w", records: [], next: .digest(step: 1, key: "k", closesAt: closesAt), now: now))
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(applied == Array(repeating: true, count: 10))
            var owners: [WorkflowRun] = []
            var folded = 0
            for run in runs {
                let stored = try #require(try await store.run(id: run.id))
                if stored.state == .scheduled { owners.append(stored) } else if stored.reason?.hasPrefix("folded into digest") == true { folded += 1 }
            }
            #expect(owners.count == 1 && folded == 9)
            let owner = try #require(owners.first)
            let claimed = try await store.claimRuns(owner: "w2", limit: 10, now: closesAt, lease: 30)
            let events = try #require(claimed.first { $0.run.id == owner.id }?.digestEvents)
            #expect(events.count == 10 && events.first == owner.data && Set(events) == Set(runs.map(\.data)))
        }
    }

    @Test("a delivered or read receipt of the last message wakes its waiting run; the deadline stays", arguments: StoreFactory.all)
    func receiptWake(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let messageID = try await RunFixtures.message(store, channels: [.whatsapp])
            let delivery = try #require(try await store.claim(owner: "d", limit: 1, now: Fixtures.t0, lease: 30).first)
            let run = RunFixtures.run()
            let bystander = RunFixtures.run(createdAt: Fixtures.at(1))
            try await startAndClaim(store, [run, bystander])
            let deadline = Fixtures.at(86_400_000)
            for r in [run, bystander] {
                let id = r.id == run.id ? messageID : "m-other"
                #expect(
                    try await store.advanceRun(
                        RunAdvance(
                            runID: r.id, leaseOwner: "w", records: [RunFixtures.sent(messageID: id, at: Fixtures.at(1_500))], lastMessageID: id,
                            next: .wake(step: 1, at: deadline, deadline: deadline), now: Fixtures.at(1_500))))
            }
            // The status arrives before the worker wrote `sent`: held, applied with the outcome, and the run wakes then.
            let report = ReceiptReport(
                reference: .providerMessageID("wamid.1"), state: .delivered, provider: "whatsapp", providerEventID: "e1",
                occurredAt: Fixtures.at(1_900), receivedAt: Fixtures.at(2_000), detail: nil)
            #expect(try await store.recordReceipt(report) == .held)
            #expect(try await store.run(id: run.id)?.dueAt == deadline)
            #expect(try await store.complete([Fixtures.update(delivery, owner: "d", state: .sent, now: Fixtures.at(2_500), providerMessageID: "wamid.1")]) == 1)
            var stored = try #require(try await store.run(id: run.id))
            #expect(stored.dueAt == Fixtures.at(2_000) && stored.deadline == deadline)
            #expect(try await store.run(id: bystander.id)?.dueAt == deadline)
            let claimed = try await store.claimRuns(owner: "w", limit: 5, now: Fixtures.at(3_000), lease: 300)
            #expect(claimed.map(\.run.id) == [run.id] && claimed.first?.lastMessageStates == [.delivered])

            // Woken while a worker holds it (a `read` arrives mid-step): its advance schedules it now, not at the deadline.
            _ = try await store.recordReceipt(
                ReceiptReport(
                    reference: .providerMessageID("wamid.1"), state: .read, provider: "whatsapp", providerEventID: "e2",
                    occurredAt: nil, receivedAt: Fixtures.at(3_100), detail: nil))
            #expect(
                try await store.advanceRun(
                    RunAdvance(runID: run.id, leaseOwner: "w", records: [], next: .wake(step: 1, at: deadline, deadline: deadline), now: Fixtures.at(3_200))))
            stored = try #require(try await store.run(id: run.id))
            #expect(stored.dueAt == Fixtures.at(3_200) && stored.deadline == deadline)
            #expect(try await store.claimRuns(owner: "w", limit: 5, now: Fixtures.at(3_300), lease: 300).first?.lastMessageStates == [.read])
        }
    }

    @Test("reading an inbox item wakes the run waiting on its message", arguments: StoreFactory.all)
    func inboxMarkWake(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let messageID = try await RunFixtures.message(store, channels: [.inbox])
            let delivery = try #require(try await store.claim(owner: "d", limit: 1, now: Fixtures.t0, lease: 30).first)
            var sent = Fixtures.update(delivery, owner: "d", state: .sent, now: Fixtures.at(500))
            sent.inboxItem = StoreInboxContractTests.item(delivery.delivery.id, messageID: messageID, at: 500)
            #expect(try await store.complete([sent]) == 1)
            let run = RunFixtures.run()
            try await startAndClaim(store, [run])
            let deadline = Fixtures.at(86_400_000)
            #expect(
                try await store.advanceRun(
                    RunAdvance(
                        runID: run.id, leaseOwner: "w", records: [RunFixtures.sent(messageID: messageID, at: Fixtures.at(1_100))],
                        lastMessageID: messageID, next: .wake(step: 1, at: deadline, deadline: deadline), now: Fixtures.at(1_100))))
            let item = try #require(try await store.inboxPage(recipientKey: "crm-42", status: .all, before: nil, limit: 1).items.first)
            _ = try await store.markInbox(.read, .item(item.id), recipientKey: "crm-42", at: Fixtures.at(2_000))
            let stored = try #require(try await store.run(id: run.id))
            #expect(stored.dueAt == Fixtures.at(2_000) && stored.deadline == deadline)
            #expect(try await store.claimRuns(owner: "w", limit: 5, now: Fixtures.at(2_000), lease: 30).first?.lastMessageStates == [.read])
        }
    }

    @Test("recordRedemption matches runs by a message they sent or by reward code; the first time stands", arguments: StoreFactory.all)
    func redemption(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let byMessage = RunFixtures.run()
            let byCode = RunFixtures.run(createdAt: Fixtures.at(1), rewardCode: "RW-7Q2K")
            let unrelated = RunFixtures.run(createdAt: Fixtures.at(2), rewardCode: "RW-OTHER")
            try await startAndClaim(store, [byMessage, byCode, unrelated])
            let far = Fixtures.at(86_400_000)
            for run in [byMessage, byCode, unrelated] {
                // The voucher went out at step 0; a reminder (step 2) is the last message now.
                let records = [
                    RunFixtures.sent(messageID: "m-voucher-\(run.id)", at: Fixtures.at(1_100)),
                    RunFixtures.sent(step: 2, messageID: "m-remind-\(run.id)", at: Fixtures.at(1_100)),
                ]
                #expect(
                    try await store.advanceRun(
                        RunAdvance(runID: run.id, leaseOwner: "w", records: records, lastMessageID: "m-remind-\(run.id)", next: .wake(step: 3, at: far, deadline: far), now: Fixtures.at(1_100))))
            }
            #expect(try await store.recordRedemption(messageID: "m-unknown", rewardCode: nil, at: Fixtures.at(2_000)).isEmpty)
            #expect(try await store.recordRedemption(messageID: "m-voucher-\(byMessage.id)", rewardCode: nil, at: Fixtures.at(2_000)) == [byMessage.id])
            #expect(try await store.recordRedemption(messageID: nil, rewardCode: "RW-7Q2K", at: Fixtures.at(3_000)) == [byCode.id])
            #expect(try await store.recordRedemption(messageID: "m-voucher-\(byMessage.id)", rewardCode: "RW-7Q2K", at: Fixtures.at(4_000)).sorted() == [byMessage.id, byCode.id].sorted())
            let first = try #require(try await store.run(id: byMessage.id))
            #expect(first.redeemedAt == Fixtures.at(2_000) && first.dueAt == Fixtures.at(2_000) && first.deadline == far)
            #expect(try await store.run(id: byCode.id)?.redeemedAt == Fixtures.at(3_000))
            let untouched = try #require(try await store.run(id: unrelated.id))
            #expect(untouched.redeemedAt == nil && untouched.dueAt == far)
            let claimed = try await store.claimRuns(owner: "w", limit: 5, now: Fixtures.at(5_000), lease: 300)
            #expect(Set(claimed.map(\.run.id)) == [byMessage.id, byCode.id])
        }
    }

    @Test("cancelRuns cancels the key's unfinished runs and their unclaimed deliveries; a running delivery finishes", arguments: StoreFactory.all)
    func cancel(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let waiting = RunFixtures.run(cancellationKey: "deal-9")
            let busy = RunFixtures.run(createdAt: Fixtures.at(1), cancellationKey: "deal-9")
            let done = RunFixtures.run(createdAt: Fixtures.at(2), cancellationKey: "deal-9")
            let other = RunFixtures.run(createdAt: Fixtures.at(3), cancellationKey: "deal-10")
            try await startAndClaim(store, [waiting, busy, done, other])
            let queued = try await RunFixtures.message(store)
            // A fallback route: the first channel is being sent right now, the second waits.
            let sending = try await RunFixtures.message(store, channels: [.whatsapp, .sms], mode: .fallback)
            let inFlight = try #require(try await store.claim(owner: "d", limit: 5, now: Fixtures.t0, lease: 30, channels: [.whatsapp]).first)
            let at = Fixtures.at(1_100)
            #expect(try await store.advanceRun(RunAdvance(runID: waiting.id, leaseOwner: "w", records: [RunFixtures.sent(messageID: queued, at: at)], lastMessageID: queued, next: .digest(step: 1, key: "k", closesAt: Fixtures.at(60_000)), now: at)))
            #expect(try await store.advanceRun(RunAdvance(runID: done.id, leaseOwner: "w", records: [], next: .finish(.completed, reason: nil), now: at)))
            #expect(try await store.advanceRun(RunAdvance(runID: other.id, leaseOwner: "w", records: [], next: .wake(step: 1, at: at, deadline: nil), now: at)))
            // `busy` is still running under its worker, which is sending `sending` and enqueueing `late` right now.

            let result = try await store.cancelRuns(cancellationKey: "deal-9", now: Fixtures.at(2_000))
            #expect(Set(result.runIDs) == [waiting.id, busy.id] && result.cancelledDeliveries == 1)
            for id in [waiting.id, busy.id] {
                let run = try #require(try await store.run(id: id))
                #expect(run.state == .cancelled && run.dueAt == nil)
                #expect(try await store.runSteps(runID: id).last?.outcome == .cancelled)
            }
            #expect(try await store.run(id: done.id)?.state == .completed)
            #expect(try await store.run(id: other.id)?.state == .scheduled)
            #expect(try await store.deliveries(messageID: queued).map(\.state) == [.cancelled])
            #expect(try await store.claimRuns(owner: "w", limit: 5, now: Fixtures.at(99_000), lease: 30).map(\.run.id) == [other.id])
            #expect(try await store.cancelRuns(cancellationKey: "deal-9", now: Fixtures.at(2_001)) == RunCancellation(runIDs: [], cancelledDeliveries: 0))

            // The busy worker's advance comes too late: refused, and what it sent is cancelled
            // except the delivery already running, whose outcome stands.
            let late = try await RunFixtures.message(store)
            let records = [RunFixtures.sent(messageID: sending, at: at), RunFixtures.sent(step: 1, messageID: late, at: at)]
            #expect(try await store.advanceRun(RunAdvance(runID: busy.id, leaseOwner: "w", records: records, lastMessageID: late, next: .wake(step: 2, at: at, deadline: nil), now: Fixtures.at(2_100))) == false)
            #expect(try await store.deliveries(messageID: sending).map(\.state) == [.running, .cancelled])
            #expect(try await store.deliveries(messageID: late).map(\.state) == [.cancelled])
            #expect(try await store.complete([Fixtures.update(inFlight, owner: "d", state: .sent, now: Fixtures.at(2_200))]) == 1)
            #expect(try await store.deliveries(messageID: sending).map(\.state) == [.sent, .cancelled])

            // The cancelled owner gave its digest up: the same key now opens a new one.
            let next = RunFixtures.run(createdAt: Fixtures.at(5))
            try await startAndClaim(store, [next], now: Fixtures.at(3_000))
            #expect(try await store.advanceRun(RunAdvance(runID: next.id, leaseOwner: "w", records: [], next: .digest(step: 1, key: "k", closesAt: Fixtures.at(60_000)), now: Fixtures.at(3_000))))
            let opened = try #require(try await store.run(id: next.id))
            let given = try await store.run(id: waiting.id)?.digestID
            #expect(opened.state == .scheduled && opened.digestID != nil && opened.digestID != given)
        }
    }

    @Test("cancelRuns also cancels what a worker enqueued for the run and died before recording (found by its run-and-step key)", arguments: StoreFactory.all)
    func cancelReachesUnrecordedMessages(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let run = RunFixtures.run(cancellationKey: "deal-11")
            try await startAndClaim(store, [run])
            // The worker enqueued step 0's message, then died before its advance.
            var request = Fixtures.request()
            request.message.idempotencyKey = WorkflowRun.sendIdempotencyKey(runID: run.id, step: 0)
            _ = try await store.enqueue([request])
            let unrelated = try await RunFixtures.message(store)
            let result = try await store.cancelRuns(cancellationKey: "deal-11", now: Fixtures.at(2_000))
            #expect(result == RunCancellation(runIDs: [run.id], cancelledDeliveries: 1))
            #expect(try await store.deliveries(messageID: request.message.id).map(\.state) == [.cancelled])
            #expect(try await store.deliveries(messageID: unrelated).map(\.state) == [.available])
        }
    }
}
