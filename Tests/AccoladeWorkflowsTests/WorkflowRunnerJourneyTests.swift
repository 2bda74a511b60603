import AccoladeCore
import Foundation
import Testing
@testable import AccoladeWorkflows

/// Whole journeys through several advances, with the store's part played by `apply` (what
/// ``WorkflowRunStore/advanceRun(_:)`` does with a `wake`), and re-execution after a crash.
@Suite("Workflow runner: journeys and re-execution")
struct WorkflowRunnerJourneyTests {
    typealias F = RunFixtures

    /// The issue's example: voucher on WhatsApp, SMS if unread within 24 h, reminder 3 days
    /// before expiry unless redeemed.
    static let journey = """
          - send: { template: reward-voucher, channels: [whatsapp, email], mode: fallback }
          - wait: { for: read, within: 24h }
            else: { send: { template: reward-earned, channels: [sms] } }
          - remind: { before: data.reward.expires_on, offset: 3d, at: "10:00", template: reward-expiring, unless: redeemed }
        """
    static let data: JSONValue = ["reward": ["code": "VCH-1", "expires_on": "2026-12-31"]]

    /// What the store does with an advance that wakes the run; message ids `m<step>`.
    static func apply(_ plan: RunPlan, to run: WorkflowRun) -> WorkflowRun {
        var run = run
        let advance = plan.advance(runID: run.id, leaseOwner: "w1", messageIDs: plan.sends.map { "m\($0.step)" }, now: F.now)
        if let id = advance.lastMessageID { run.lastMessageID = id }
        guard case .wake(let step, let at, let deadline) = plan.next else {
            Issue.record("expected a wake, got \(plan.next)")
            return run
        }
        if step != run.cursor { run.digestID = nil }
        run.cursor = step
        run.dueAt = at
        run.deadline = deadline
        return run
    }

    @Test("unread voucher: SMS after 24 h, then the reminder three days before expiry at 10:00 in the recipient's zone")
    func escalation() throws {
        let w = try F.workflow(Self.journey)
        var run = F.run(data: Self.data)

        let first = F.advance(w, ClaimedRun(run: run))
        #expect(first.outcomes == ["0 send sent", "1 wait waiting"])
        #expect(first.sends.map(\.send.template) == ["reward-voucher"])
        run = Self.apply(first, to: run)
        let deadline = F.now.addingTimeInterval(86_400)
        #expect(run.cursor == 1 && run.deadline == deadline && run.lastMessageID == "m0")

        // A `delivered` receipt wakes nobody's wait for read: an early claim (released lease) sleeps again.
        let early = F.advance(w, ClaimedRun(run: run, lastMessageStates: [.delivered, .skipped]), now: F.now.addingTimeInterval(3600))
        #expect(early.records.isEmpty && early.sends.isEmpty && early.next == .wake(step: 1, at: deadline, deadline: deadline))

        let timedOut = F.advance(w, ClaimedRun(run: run, lastMessageStates: [.delivered, .skipped]), now: deadline)
        #expect(timedOut.outcomes == ["1 wait timedOut", "1 wait sent", "2 remind waiting"])
        #expect(timedOut.sends.map(\.send) == [WorkflowSend(template: "reward-earned", channels: [.sms])])
        let reminder = F.instant("2026-12-28T03:00:00Z")
        #expect(timedOut.next == .wake(step: 2, at: reminder, deadline: reminder))
        run = Self.apply(timedOut, to: run)
        #expect(run.lastMessageID == "m1")

        let reminded = F.advance(w, ClaimedRun(run: run), now: reminder)
        #expect(reminded.outcomes == ["2 remind sent"] && reminded.next == .finish(.completed, reason: nil))
        #expect(reminded.sends.map(\.send.template) == ["reward-expiring"])

        // Every message of the journey has its own key.
        let keys = (first.sends + timedOut.sends + reminded.sends).map(\.idempotencyKey)
        #expect(keys == [F.key(0), F.key(1), F.key(2)])
    }

    @Test("voucher read in time: no SMS; redeemed before the reminder: no reminder")
    func readThenRedeemed() throws {
        let w = try F.workflow(Self.journey)
        var run = Self.apply(F.advance(w, ClaimedRun(run: F.run(data: Self.data))), to: F.run(data: Self.data))
        let read = F.advance(w, ClaimedRun(run: run, lastMessageStates: [.read, .skipped]), now: F.now.addingTimeInterval(600))
        #expect(read.outcomes == ["1 wait passed", "2 remind waiting"] && read.sends.isEmpty)
        run = Self.apply(read, to: run)
        run.redeemedAt = F.now.addingTimeInterval(7200)
        let redeemed = F.advance(w, ClaimedRun(run: run), now: F.now.addingTimeInterval(7200))
        #expect(redeemed.outcomes == ["2 remind skipped"] && redeemed.sends.isEmpty)
        #expect(redeemed.next == .finish(.completed, reason: nil))
    }

    @Test("re-executing the same claim after a crash gives the same plan and the same keys, even later")
    func reExecution() throws {
        let w = try F.workflow(Self.journey + "\n  - digest: { window: 1h, send: { template: d } }\n")
        let claims = [
            ClaimedRun(run: F.run(data: Self.data)),
            ClaimedRun(run: F.run(data: Self.data, cursor: 1, deadline: F.now, lastMessageID: "m0"), lastMessageStates: [.delivered]),
            ClaimedRun(run: F.run(data: Self.data, cursor: 3, deadline: F.now, digestID: "dg_1"), digestEvents: [Self.data, Self.data]),
        ]
        for claimed in claims {
            let once = F.advance(w, claimed)
            #expect(F.advance(w, claimed) == once)
            let later = F.advance(w, claimed, now: F.now.addingTimeInterval(90))
            #expect(later.sends.map(\.idempotencyKey) == once.sends.map(\.idempotencyKey))
            #expect(later.sends.map(\.send) == once.sends.map(\.send))
            #expect(!once.sends.isEmpty)
        }
    }

    @Test("a delay, a send and a digest in one workflow: each advance stops where the store must act")
    func delayThenDigest() throws {
        let w = try F.workflow(
            """
              - delay: { for: 30m }
              - send: { template: thanks }
              - throttle: { limit: 3, per: 1d, then: digest }
              - digest: { window: 1h, send: { template: kudos-digest } }
            """)
        var run = F.run()
        let first = F.advance(w, ClaimedRun(run: run))
        #expect(first.outcomes == ["0 delay waiting"])
        run = Self.apply(first, to: run)
        let second = F.advance(w, ClaimedRun(run: run), now: run.deadline!)
        #expect(second.outcomes == ["0 delay passed", "1 send sent"])
        #expect(second.next == .throttle(step: 2, limit: 3, since: run.deadline!.addingTimeInterval(-86_400), over: .goToDigest(step: 3)))
        // The store let it through to step 3, due now, no deadline: the digest is reached.
        run.cursor = 3
        run.deadline = nil
        let third = F.advance(w, ClaimedRun(run: run), now: run.dueAt!)
        #expect(third.next == .digest(step: 3, key: "ana@example.com", closesAt: run.dueAt!.addingTimeInterval(3600)))
    }

    @Test("the shipped workflows run as their comments say, with the shipped sample data")
    func shippedWorkflows() throws {
        let loaded = WorkflowFolder.load(directory: WorkflowFolderTests.repository + "/config/workflows")
        let runner = WorkflowRunner(workflows: loaded.definitions)
        let sample = try JSONValue(jsonText: String(contentsOfFile: WorkflowFolderTests.repository + "/templates/reward-voucher/sample.json", encoding: .utf8))
        guard case .object(let fields)? = sample.objectValue?["recipient"], let data = sample.objectValue?["data"] else {
            Issue.record("sample.json has no recipient and data")
            return
        }
        let recipient = Recipient(
            name: fields["name"]?.stringValue, email: fields["email"]?.stringValue, phone: fields["phone"]?.stringValue,
            whatsapp: fields["whatsapp"]?.stringValue, timezone: fields["timezone"]?.stringValue, id: fields["id"]?.stringValue)
        func run(_ workflow: String, _ data: JSONValue, cursor: Int = 0) -> WorkflowRun {
            F.run(workflow: workflow, data: data, recipient: recipient, cursor: cursor)
        }
        // A 50,000 IDR voucher is below the deal workflow's threshold: no voucher, so no wait, but
        // the reminder still comes three days before 2026-12-31, at 00:00 in Jakarta.
        let small = runner.advance(ClaimedRun(run: run("deal-closed-reward", data)), now: F.now)
        #expect(small.outcomes == ["0 send skipped", "1 wait skipped", "2 remind waiting"])
        #expect(small.next == .wake(step: 2, at: F.instant("2026-12-27T17:00:00Z"), deadline: F.instant("2026-12-27T17:00:00Z")))
        var bigData = data.objectValue!
        bigData["reward"] = ["voucher": ["amount": 150_000, "currency": "IDR"], "code": "RW-7Q2K", "expires_on": "2026-12-31"]
        let big = runner.advance(ClaimedRun(run: run("deal-closed-reward", .object(bigData))), now: F.now)
        #expect(big.outcomes == ["0 send sent", "1 wait waiting"])
        #expect(big.sends.map(\.send) == [WorkflowSend(template: "reward-voucher", channels: [.whatsapp, .email], mode: .fallback)])
        let points = runner.advance(ClaimedRun(run: run("points-earned", ["reward": ["points": 600, "expires_on": "2027-01-31"]])), now: F.now)
        #expect(points.next == .throttle(step: 0, limit: 3, since: F.now.addingTimeInterval(-86_400), over: .finish(reason: "throttled: 3 per 1d reached")))
        // Let through by the store (at step 1, due now): the message, then the reminder a week
        // before expiry at 10:00 in Jakarta.
        let passed = runner.advance(ClaimedRun(run: run("points-earned", ["reward": ["points": 600, "expires_on": "2027-01-31"]], cursor: 1)), now: F.now)
        #expect(passed.outcomes == ["1 send sent", "2 remind waiting"])
        #expect(passed.next == .wake(step: 2, at: F.instant("2027-01-24T03:00:00Z"), deadline: F.instant("2027-01-24T03:00:00Z")))
        let few = runner.advance(ClaimedRun(run: run("points-earned", ["reward": ["points": 50]], cursor: 1)), now: F.now)
        #expect(few.outcomes == ["1 send skipped", "2 remind skipped"] && few.next == .finish(.completed, reason: nil))
        let milestone = runner.advance(ClaimedRun(run: run("milestone-reached", [:])), now: F.now)
        #expect(milestone.outcomes == ["0 send sent", "1 wait waiting"] && milestone.next == .wake(step: 1, at: F.now.addingTimeInterval(3600), deadline: F.now.addingTimeInterval(3600)))
    }
}
