import AccoladeCore
import Foundation
import Testing
@testable import AccoladeWorkflows

@Suite("Workflow runner: remind, throttle, digest")
struct WorkflowRunnerRemindTests {
    typealias F = RunFixtures

    static let remind = "  - remind: { before: data.reward.expires_on, offset: 3d, at: \"10:00\", template: reward-expiring, unless: redeemed }\n  - send: { template: after }\n"

    static func expiring(_ value: JSONValue) -> JSONValue { ["reward": ["expires_on": value]] }

    @Test(
        "the reminder moment: the date less the offset, at `at` or the date-time's own time, in the recipient's zone",
        arguments: [
            // Jakarta (+07): 3 days before the 31st at 10:00.
            ("2026-12-31", "\"10:00\"", "Asia/Jakarta", "2026-12-28T03:00:00Z"),
            // No `at`: a date means 00:00.
            ("2026-12-31", nil, "Asia/Jakarta", "2026-12-27T17:00:00Z"),
            // An instant with its own offset, read on the recipient's clock: 2027-01-01 00:00 in Jakarta, less 3 days.
            ("2026-12-31T18:00:00+01:00", nil, "Asia/Jakarta", "2026-12-28T17:00:00Z"),
            ("2026-12-31T18:00:00+01:00", "\"09:00\"", "Asia/Jakarta", "2026-12-29T02:00:00Z"),
            // Berlin changes clocks on 2027-03-28: three days before 09:00 CEST is 09:00 CET, not 08:00.
            ("2027-03-30T09:00", nil, "Europe/Berlin", "2027-03-27T08:00:00Z"),
            // An `at` the clock change skips moves to the first minute that exists.
            ("2027-03-31", "\"02:30\"", "Europe/Berlin", "2027-03-28T01:00:00Z"),
        ] as [(String, String?, String, String)])
    func moment(value: String, at: String?, zone: String, expected: String) throws {
        let w = try F.workflow("  - remind: { before: data.reward.expires_on, offset: 3d\(at.map { ", at: \($0)" } ?? ""), template: reward-expiring }\n")
        var recipient = F.recipient
        recipient.timezone = zone
        let plan = F.advance(w, ClaimedRun(run: F.run(data: Self.expiring(.string(value)), recipient: recipient)))
        let moment = F.instant(expected)
        #expect(plan.next == .wake(step: 0, at: moment, deadline: moment))
        #expect(plan.records == [RunStepRecord(step: 0, kind: "remind", outcome: .waiting, reason: "3d before data.reward.expires_on (\(value))", until: moment, at: F.now)])
    }

    @Test("a reminder waits, sleeps again when woken early, and sends at its moment under its own step key")
    func remindLifecycle() throws {
        let w = try F.workflow(Self.remind)
        let moment = F.instant("2026-12-28T03:00:00Z")
        let data = Self.expiring("2026-12-31")
        let early = F.advance(w, ClaimedRun(run: F.run(data: data, cursor: 0, deadline: moment)), now: moment.addingTimeInterval(-60))
        #expect(early == RunPlan(sends: [], records: [], next: .wake(step: 0, at: moment, deadline: moment)))
        let due = F.advance(w, ClaimedRun(run: F.run(data: data, cursor: 0, deadline: moment)), now: moment)
        #expect(due.outcomes == ["0 remind sent", "1 send sent"])
        #expect(due.sends[0] == PlannedSend(step: 0, send: WorkflowSend(template: "reward-expiring"), data: data, idempotencyKey: F.key(0), recordIndex: 0))
        // Reached exactly at its moment: sent at once.
        let onTime = F.advance(w, ClaimedRun(run: F.run(data: data)), now: moment)
        #expect(onTime.outcomes == ["0 remind sent", "1 send sent"])
    }

    @Test("a reminder is skipped, with the reason, when its moment passed before the run got there or the reward was redeemed")
    func remindSkipped() throws {
        let w = try F.workflow(Self.remind)
        let past = F.advance(w, ClaimedRun(run: F.run(data: Self.expiring("2026-12-08"))))
        #expect(past.outcomes == ["0 remind skipped", "1 send sent"])
        #expect(past.records[0].reason == "reminder moment 2026-12-05T03:00:00.000Z already passed")
        let redeemedAt = F.instant("2026-12-06T11:00:00Z")
        let redeemed = F.advance(w, ClaimedRun(run: F.run(data: Self.expiring("2026-12-31"), redeemedAt: redeemedAt)))
        #expect(redeemed.outcomes == ["0 remind skipped", "1 send sent"] && redeemed.records[0].reason == "redeemed at 2026-12-06T11:00:00.000Z")
        // Woken early by the redemption while waiting: skipped at once, the run goes on.
        let moment = F.instant("2026-12-28T03:00:00Z")
        let woken = F.advance(w, ClaimedRun(run: F.run(data: Self.expiring("2026-12-31"), cursor: 0, deadline: moment, redeemedAt: redeemedAt)))
        #expect(woken.outcomes == ["0 remind skipped", "1 send sent"])
        // Without `unless: redeemed` a redemption changes nothing.
        let plain = try F.workflow("  - remind: { before: data.reward.expires_on, offset: 3d, at: \"10:00\", template: reward-expiring }\n")
        let still = F.advance(plain, ClaimedRun(run: F.run(data: Self.expiring("2026-12-31"), redeemedAt: redeemedAt)))
        #expect(still.next == .wake(step: 0, at: moment, deadline: moment))
    }

    @Test("a reminder without a date is skipped (nothing expires); a value that is no date fails the run")
    func remindWithoutDate() throws {
        let w = try F.workflow(Self.remind)
        let none = F.advance(w, ClaimedRun(run: F.run(data: ["reward": ["code": "X"]])))
        #expect(none.outcomes == ["0 remind skipped", "1 send sent"] && none.records[0].reason == "data.reward.expires_on is missing")
        let null = F.advance(w, ClaimedRun(run: F.run(data: Self.expiring(.null))))
        #expect(null.outcomes == ["0 remind skipped", "1 send sent"])
        let bad = F.advance(w, ClaimedRun(run: F.run(data: Self.expiring("31/12/2026"))))
        #expect(bad.outcomes == ["0 remind failed"] && bad.sends.isEmpty)
        #expect(bad.next == .finish(.failed, reason: "steps[0].remind: data.reward.expires_on is \"31/12/2026\", not a date (expected a date like \"2026-12-31\" or a date-time like \"2026-12-31T09:00:00+07:00\")"))
    }

    @Test("throttle: the store counts since now − per; over the limit the run ends, or moves to the next digest step")
    func throttle() throws {
        let skip = try F.workflow("  - send: { template: a }\n  - throttle: { limit: 3, per: 1d }\n  - send: { template: b }\n")
        let plan = F.advance(skip, ClaimedRun(run: F.run()))
        #expect(plan.outcomes == ["0 send sent"] && plan.sends.count == 1)
        #expect(plan.next == .throttle(step: 1, limit: 3, since: F.now.addingTimeInterval(-86_400), over: .finish(reason: "throttled: 3 per 1d reached")))
        let digest = try F.workflow(
            "  - throttle: { limit: 5, per: 12h, then: digest }\n  - send: { template: b }\n  - digest: { window: 1h, send: { template: d } }\n  - digest: { window: 2h, send: { template: e } }\n")
        #expect(
            F.advance(digest, ClaimedRun(run: F.run())).next == .throttle(step: 0, limit: 5, since: F.now.addingTimeInterval(-12 * 3600), over: .goToDigest(step: 2)))
        // A definition built without the check (no digest after): ends as for skip rather than pointing nowhere.
        let unchecked = WorkflowDefinition(name: "w", event: "e", steps: [WorkflowStep(action: .throttle(WorkflowThrottle(limit: 1, per: 60, overflow: .digest)))], file: "w.yml")
        #expect(F.advance(unchecked, ClaimedRun(run: F.run())).next == .throttle(step: 0, limit: 1, since: F.now.addingTimeInterval(-60), over: .finish(reason: "throttled: 1 per 1m reached")))
    }

    @Test("digest reached: the store gets the key (the recipient key, or it with the key path's value) and when the window closes")
    func digestReached() throws {
        let window = try F.workflow("  - digest: { window: 1h, send: { template: kudos-digest } }\n")
        #expect(F.advance(window, ClaimedRun(run: F.run())) == RunPlan(sends: [], records: [], next: .digest(step: 0, key: "ana@example.com", closesAt: F.now.addingTimeInterval(3600))))
        // 12:00Z is 19:00 in Jakarta: the next 18:00 there is tomorrow, 11:00Z.
        let until = try F.workflow("  - digest: { until: \"18:00\", send: { template: kudos-digest } }\n")
        #expect(F.advance(until, ClaimedRun(run: F.run())).next == .digest(step: 0, key: "ana@example.com", closesAt: F.instant("2026-12-07T11:00:00Z")))
        var noZone = F.recipient
        noZone.timezone = nil
        #expect(F.advance(until, ClaimedRun(run: F.run(recipient: noZone))).next == .digest(step: 0, key: "ana@example.com", closesAt: F.instant("2026-12-06T18:00:00Z")))
        let keyed = try F.workflow("  - digest: { window: 1h, key: data.team, send: { template: kudos-digest } }\n")
        #expect(F.advance(keyed, ClaimedRun(run: F.run(data: ["team": "t7"]))).next == .digest(step: 0, key: #"["ana@example.com","t7"]"#, closesAt: F.now.addingTimeInterval(3600)))
        #expect(F.advance(keyed, ClaimedRun(run: F.run(data: ["team": 7]))).next == .digest(step: 0, key: #"["ana@example.com",7]"#, closesAt: F.now.addingTimeInterval(3600)))
        #expect(F.advance(keyed, ClaimedRun(run: F.run())).next == .digest(step: 0, key: #"["ana@example.com",null]"#, closesAt: F.now.addingTimeInterval(3600)))
    }

    @Test("the digest owner sends one message with the events once the digest closed, and sleeps again when woken before")
    func digestOwner() throws {
        let w = try F.workflow("  - digest: { window: 1h, send: { template: kudos-digest } }\n  - send: { template: after }\n")
        let closes = F.now.addingTimeInterval(1800)
        let events: [JSONValue] = [["from": "Budi"], ["from": "Citra"]]
        let owner = F.run(data: ["from": "Budi", "team": "t7"], cursor: 0, deadline: closes, digestID: "dg_1")
        let early = F.advance(w, ClaimedRun(run: owner))
        #expect(early == RunPlan(sends: [], records: [], next: .wake(step: 0, at: closes, deadline: closes)))
        let closed = F.advance(w, ClaimedRun(run: owner, digestEvents: events), now: closes)
        #expect(closed.outcomes == ["0 digest sent", "1 send sent"] && closed.records[0].reason == "digest of 2 events")
        #expect(closed.sends[0].data == ["from": "Budi", "team": "t7", "events": [["from": "Budi"], ["from": "Citra"]]])
        #expect(closed.sends[0].idempotencyKey == F.key(0) && closed.sends[1].data == ["from": "Budi", "team": "t7"])
        #expect(PlannedSend.digestData(.null, events: [1]) == ["events": [1]])
    }
}
