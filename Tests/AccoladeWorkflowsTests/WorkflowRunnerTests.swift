import AccoladeCore
import Foundation
import Testing
@testable import AccoladeWorkflows

/// One rule of ``WorkflowRunner`` per test, each step kind on its own, with a fixed `now`.
@Suite("Workflow runner: send, if, delay, wait")
struct WorkflowRunnerTests {
    typealias F = RunFixtures
    static let hour: TimeInterval = 3600

    @Test("a send plans a message keyed by run and step; a false condition skips its step with the source text")
    func sendAndCondition() throws {
        let w = try F.workflow(
            """
              - if: "data.amount >= 100"
                send: { template: reward-voucher }
              - if: "recipient.timezone == \\"Asia/Jakarta\\" and exists data.amount"
                send: { template: reward-earned, channels: [email, sms], mode: fallback, locale: id-ID }
            """)
        let plan = F.advance(w, ClaimedRun(run: F.run(data: ["amount": 50])))
        #expect(plan.outcomes == ["0 send skipped", "1 send sent"])
        #expect(plan.records[0].reason == "condition false: data.amount >= 100")
        #expect(plan.records.allSatisfy { $0.at == F.now })
        #expect(
            plan.sends == [
                PlannedSend(
                    step: 1, send: WorkflowSend(template: "reward-earned", channels: [.email, .sms], mode: .fallback, locale: "id-ID"),
                    data: ["amount": 50], idempotencyKey: "wf:run_0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b:1", recordIndex: 1)
            ])
        #expect(plan.next == .finish(.completed, reason: nil))
        let both = F.advance(w, ClaimedRun(run: F.run(data: ["amount": 100])))
        #expect(both.sends.map(\.idempotencyKey) == [F.key(0), F.key(1)])
        #expect(both.sends.map(\.recordIndex) == [0, 1])
    }

    @Test("the worker's advance: message ids into the sent records, the last one as the run's last message")
    func advanceFromPlan() throws {
        let w = try F.workflow("  - send: { template: a }\n  - delay: { for: 1h }\n")
        let plan = F.advance(w, ClaimedRun(run: F.run()))
        let advance = plan.advance(runID: "run_x", leaseOwner: "worker-1", messageIDs: ["msg-1"], now: F.now)
        #expect(advance.records.map(\.messageID) == ["msg-1", nil])
        #expect(advance.lastMessageID == "msg-1" && advance.runID == "run_x" && advance.leaseOwner == "worker-1")
        #expect(advance.next == plan.next)
        let none = F.advance(try F.workflow("  - delay: { for: 1h }\n"), ClaimedRun(run: F.run()))
        #expect(none.advance(runID: "run_x", leaseOwner: "o", messageIDs: [], now: F.now).lastMessageID == nil)
    }

    @Test("a send the worker cannot enqueue cuts the plan there: earlier sends stand, the step fails, the run fails")
    func failingSend() throws {
        let w = try F.workflow("  - send: { template: a }\n  - if: \"data.x == 1\"\n    send: { template: b }\n  - send: { template: c }\n")
        let plan = F.advance(w, ClaimedRun(run: F.run(data: ["x": 2])))
        #expect(plan.outcomes == ["0 send sent", "1 send skipped", "2 send sent"])
        let cut = plan.failing(sendAt: 1, reason: "template c: data.name is required")
        #expect(cut.outcomes == ["0 send sent", "1 send skipped", "2 send failed"] && cut.sends == [plan.sends[0]])
        #expect(cut.records[2].reason == "template c: data.name is required")
        #expect(cut.next == .finish(.failed, reason: "steps[2].send: template c: data.name is required"))
        let advance = cut.advance(runID: "run_x", leaseOwner: "o", messageIDs: ["m0"], now: F.now)
        #expect(advance.records.map(\.messageID) == ["m0", nil, nil] && advance.lastMessageID == "m0")
        let first = plan.failing(sendAt: 0, reason: "r")
        #expect(first.outcomes == ["0 send failed"] && first.sends.isEmpty)
    }

    @Test("delay for: waits once with a deadline; an early claim sleeps again without a record; at the deadline it passes")
    func delayFor() throws {
        let w = try F.workflow("  - delay: { for: 2h }\n  - send: { template: a }\n")
        let first = F.advance(w, ClaimedRun(run: F.run()))
        let deadline = F.now.addingTimeInterval(2 * Self.hour)
        #expect(first.outcomes == ["0 delay waiting"])
        #expect(first.records[0].until == deadline && first.records[0].reason == "for 2h")
        #expect(first.next == .wake(step: 0, at: deadline, deadline: deadline))
        let early = F.advance(w, ClaimedRun(run: F.run(cursor: 0, deadline: deadline)), now: F.now.addingTimeInterval(Self.hour))
        #expect(early == RunPlan(sends: [], records: [], next: .wake(step: 0, at: deadline, deadline: deadline)))
        let due = F.advance(w, ClaimedRun(run: F.run(cursor: 0, deadline: deadline)), now: deadline)
        #expect(due.outcomes == ["0 delay passed", "1 send sent"])
        #expect(due.next == .finish(.completed, reason: nil))
    }

    @Test(
        "delay until: a date at `at` or midnight, a wall time, an instant with its offset — in the recipient's zone or the default",
        arguments: [
            ("2026-12-10", nil, "Asia/Jakarta", "2026-12-09T17:00:00Z"),
            ("2026-12-10", "09:00", "Asia/Jakarta", "2026-12-10T02:00:00Z"),
            ("2026-12-10T09:00", "18:00", "Asia/Jakarta", "2026-12-10T02:00:00Z"),
            ("2026-12-10T09:00:00-05:00", nil, "Asia/Jakarta", "2026-12-10T14:00:00Z"),
            ("2026-12-10", nil, nil, "2026-12-09T23:00:00Z"),
            ("2027-03-28T02:30", nil, "Europe/Berlin", "2027-03-28T01:00:00Z"),
        ] as [(String, String?, String?, String)])
    func delayUntil(value: String, at: String?, zone: String?, expected: String) throws {
        let w = try F.workflow("  - delay: { until: data.starts_on\(at.map { ", at: \"\($0)\"" } ?? "") }\n")
        var recipient = F.recipient
        recipient.timezone = zone
        let plan = F.advance(w, ClaimedRun(run: F.run(data: ["starts_on": .string(value)], recipient: recipient)), zone: TimeZone(identifier: "Europe/Berlin")!)
        let moment = F.instant(expected)
        #expect(plan.next == .wake(step: 0, at: moment, deadline: moment))
        #expect(plan.records == [RunStepRecord(step: 0, kind: "delay", outcome: .waiting, reason: "until data.starts_on (\(value))", until: moment, at: F.now)])
    }

    @Test("delay until a moment already past goes on at once; a missing or unreadable date fails the run")
    func delayUntilPastOrBad() throws {
        let w = try F.workflow("  - delay: { until: data.starts_on }\n  - send: { template: a }\n")
        let past = F.advance(w, ClaimedRun(run: F.run(data: ["starts_on": "2026-12-01"])))
        #expect(past.outcomes == ["0 delay passed", "1 send sent"])
        #expect(past.records[0].reason == "2026-11-30T17:00:00.000Z already passed")
        let missing = F.advance(w, ClaimedRun(run: F.run(data: ["other": 1])))
        #expect(missing.outcomes == ["0 delay failed"] && missing.sends.isEmpty)
        #expect(missing.records[0].reason == "data.starts_on is missing")
        #expect(missing.next == .finish(.failed, reason: "steps[0].delay: data.starts_on is missing"))
        let bad = F.advance(w, ClaimedRun(run: F.run(data: ["starts_on": "next week"])))
        #expect(
            bad.next
                == .finish(
                    .failed,
                    reason: "steps[0].delay: data.starts_on is \"next week\", not a date (expected a date like \"2026-12-31\" or a date-time like \"2026-12-31T09:00:00+07:00\")"))
        let number = F.advance(w, ClaimedRun(run: F.run(data: ["starts_on": 20_261_231])))
        #expect(number.outcomes == ["0 delay failed"])
    }

    static let waitRead = """
          - send: { template: reward-voucher, channels: [whatsapp] }
          - wait: { for: read, within: 24h }
            else: { send: { template: reward-earned, channels: [sms] } }
          - send: { template: thanks }
        """

    @Test("a wait right after a send in the same advance waits on that send, not on the previous message's states")
    func waitAfterSendInSameAdvance() throws {
        let w = try F.workflow(Self.waitRead)
        let plan = F.advance(w, ClaimedRun(run: F.run(lastMessageID: "old"), lastMessageStates: [.read]))
        let deadline = F.now.addingTimeInterval(24 * Self.hour)
        #expect(plan.outcomes == ["0 send sent", "1 wait waiting"])
        #expect(plan.records[1].until == deadline && plan.records[1].reason == "for read within 1d")
        #expect(plan.next == .wake(step: 1, at: deadline, deadline: deadline))
        #expect(plan.sends.map(\.idempotencyKey) == [F.key(0)])
    }

    @Test("a wait is satisfied by any delivery reaching its state; delivered is also satisfied by read")
    func waitSatisfied() throws {
        let deadline = F.now.addingTimeInterval(Self.hour)
        let cases: [(String, [DeliveryState], String?)] = [
            ("read", [.delivered, .read], "read"),
            ("read", [.sent, .delivered], nil),
            ("read", [.failed, .skipped], nil),
            ("delivered", [.read], "read"),
            ("delivered", [.failed, .delivered], "delivered"),
            ("delivered", [.sent, .pending], nil),
        ]
        for (target, states, reason) in cases {
            let steps = Self.waitRead.replacingOccurrences(of: "for: read", with: "for: \(target)")
            let plan = F.advance(try F.workflow(steps), ClaimedRun(run: F.run(cursor: 1, deadline: deadline, lastMessageID: "m1"), lastMessageStates: states))
            if let reason {
                #expect(plan.outcomes == ["1 wait passed", "2 send sent"], "\(target) \(states)")
                #expect(plan.records[0].reason == reason)
                #expect(plan.sends.map(\.step) == [2])
            } else {
                #expect(plan == RunPlan(sends: [], records: [], next: .wake(step: 1, at: deadline, deadline: deadline)), "\(target) \(states)")
            }
        }
    }

    @Test("a wait that times out records it and sends its else under the wait's own step key, then goes on")
    func waitTimesOut() throws {
        let w = try F.workflow(Self.waitRead)
        let deadline = F.now
        let plan = F.advance(w, ClaimedRun(run: F.run(cursor: 1, deadline: deadline, lastMessageID: "m1"), lastMessageStates: [.delivered]))
        #expect(plan.outcomes == ["1 wait timedOut", "1 wait sent", "2 send sent"])
        #expect(plan.records[0].reason == "no read within 1d" && plan.records[1].reason == "else: no read within 1d")
        #expect(plan.sends.map(\.send.template) == ["reward-earned", "thanks"])
        #expect(plan.sends.map(\.idempotencyKey) == [F.key(1), F.key(2)])
        #expect(plan.sends.map(\.recordIndex) == [1, 2])
        // Satisfied at the deadline still counts as satisfied.
        let justInTime = F.advance(w, ClaimedRun(run: F.run(cursor: 1, deadline: deadline, lastMessageID: "m1"), lastMessageStates: [.read]))
        #expect(justInTime.outcomes == ["1 wait passed", "2 send sent"])
        // Without else: only the record.
        let bare = F.advance(
            try F.workflow("  - send: { template: a }\n  - wait: { for: delivered, within: 1h }\n"),
            ClaimedRun(run: F.run(cursor: 1, deadline: deadline, lastMessageID: "m1")))
        #expect(bare.outcomes == ["1 wait timedOut"] && bare.sends.isEmpty && bare.next == .finish(.completed, reason: nil))
    }

    @Test("wait for redeemed: the run's redemption satisfies it; without one it waits and times out like any wait")
    func waitRedeemed() throws {
        let w = try F.workflow("  - send: { template: a }\n  - wait: { for: redeemed, within: 7d }\n    else: { send: { template: nudge } }\n")
        let redeemedAt = F.instant("2026-12-06T11:00:00Z")
        let deadline = F.now.addingTimeInterval(3 * 86_400)
        let woken = F.advance(w, ClaimedRun(run: F.run(cursor: 1, deadline: deadline, lastMessageID: "m1", redeemedAt: redeemedAt)))
        #expect(woken.outcomes == ["1 wait passed"] && woken.records[0].reason == "redeemed at 2026-12-06T11:00:00.000Z")
        #expect(woken.next == .finish(.completed, reason: nil))
        let fresh = F.advance(w, ClaimedRun(run: F.run()))
        let within = F.now.addingTimeInterval(7 * 86_400)
        #expect(fresh.outcomes == ["0 send sent", "1 wait waiting"] && fresh.next == .wake(step: 1, at: within, deadline: within))
        let late = F.advance(w, ClaimedRun(run: F.run(cursor: 1, deadline: F.now, lastMessageID: "m1")))
        #expect(late.outcomes == ["1 wait timedOut", "1 wait sent"] && late.sends.map(\.send.template) == ["nudge"])
    }

    @Test("a wait whose send was skipped by its if is skipped, its else too, even with an earlier message on record")
    func waitWithNothingSent() throws {
        let w = try F.workflow(
            """
              - if: "data.vip"
                send: { template: a }
              - wait: { for: delivered, within: 1h }
                else: { send: { template: b } }
              - send: { template: c }
            """)
        let plan = F.advance(w, ClaimedRun(run: F.run(data: ["vip": false])))
        #expect(plan.outcomes == ["0 send skipped", "1 wait skipped", "2 send sent"])
        #expect(plan.records[1].reason == "nothing sent to wait on (steps[0] was skipped: condition false)")
        #expect(plan.sends.map(\.send.template) == ["c"])
        // The wait is for the nearest send before it (what `workflows check` checked), not for
        // whatever the run sent last: an earlier step's message does not count.
        let later = try F.workflow(
            """
              - send: { template: x }
              - delay: { for: 1h }
              - if: "data.vip"
                send: { template: a }
              - wait: { for: redeemed, within: 1h }
                else: { send: { template: b } }
            """)
        let skipped = F.advance(later, ClaimedRun(run: F.run(data: ["vip": false], cursor: 1, deadline: F.now, lastMessageID: "m0"), lastMessageStates: [.delivered]))
        #expect(skipped.outcomes == ["1 delay passed", "2 send skipped", "3 wait skipped"] && skipped.sends.isEmpty)
        let sent = F.advance(later, ClaimedRun(run: F.run(data: ["vip": true], cursor: 1, deadline: F.now, lastMessageID: "m0")))
        #expect(sent.outcomes == ["1 delay passed", "2 send sent", "3 wait waiting"])
        // A run with no message on record has nothing to wait on either.
        let bare = try F.workflow("  - send: { template: a }\n  - delay: { for: 1h }\n  - wait: { for: delivered, within: 1h }\n")
        let none = F.advance(bare, ClaimedRun(run: F.run(cursor: 1, deadline: F.now)))
        #expect(none.outcomes == ["1 delay passed", "2 wait skipped"] && none.records[1].reason == "nothing sent to wait on")
    }

    @Test("a run of a workflow no longer defined fails; one whose cursor is past the steps completes")
    func missingWorkflowOrSteps() throws {
        let w = try F.workflow("  - send: { template: a }\n")
        let gone = F.advance(w, ClaimedRun(run: F.run(workflow: "renamed")))
        #expect(gone.records.isEmpty && gone.sends.isEmpty)
        #expect(gone.next == .finish(.failed, reason: "workflow \"renamed\" is no longer defined (its file was removed from the workflows folder or renamed)"))
        #expect(F.advance(w, ClaimedRun(run: F.run(cursor: 5))) == RunPlan(sends: [], records: [], next: .finish(.completed, reason: nil)))
    }
}
