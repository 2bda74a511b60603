import AccoladeCore
import Foundation
import Testing
@testable import AccoladeWorkflows

@Suite("Trigger planner: events to runs")
struct TriggerPlannerTests {
    typealias F = RunFixtures

    static func planner() throws -> TriggerPlanner {
        TriggerPlanner(workflows: [
            try F.workflow("  - send: { template: reward-voucher }\n  - wait: { for: read, within: 1h }\n    else: { send: { template: reward-earned } }\n", name: "a-deal", event: "deal.closed"),
            try F.workflow("  - digest: { window: 1h, send: { template: kudos-digest } }\n", name: "b-kudos", event: "kudos.given"),
            try F.workflow("  - delay: { for: 1h }\n  - remind: { before: data.d, offset: 1d, template: reward-expiring }\n", name: "c-deal", event: "deal.closed"),
        ])
    }

    @Test("one scheduled run per listening workflow, in the given (file-name) order, due now at step 0")
    func runs() throws {
        let planner = try Self.planner()
        #expect(planner.workflows(listeningTo: "deal.closed").map(\.name) == ["a-deal", "c-deal"])
        #expect(planner.workflows(listeningTo: "nobody.listens").isEmpty)
        var ids = ["0193a1b2-0000-7000-8000-000000000001", "0193a1b2-0000-7000-8000-000000000002"].makeIterator()
        let data: JSONValue = ["reward": ["code": "VCH-9", "amount": 5]]
        let runs = planner.runs(
            event: "deal.closed", recipient: F.recipient, data: data, idempotencyKey: "evt-1", cancellationKey: "deal-77", now: F.now,
            makeID: { ids.next()! })
        #expect(runs.map(\.id) == ["run_0193a1b2-0000-7000-8000-000000000001", "run_0193a1b2-0000-7000-8000-000000000002"])
        #expect(runs.map(\.workflow) == ["a-deal", "c-deal"])
        for run in runs {
            #expect(run.event == "deal.closed" && run.recipient == F.recipient && run.recipientKey == "ana@example.com")
            #expect(run.data == data && run.idempotencyKey == "evt-1" && run.cancellationKey == "deal-77" && run.rewardCode == "VCH-9")
            #expect(run.state == .scheduled && run.cursor == 0 && run.dueAt == F.now && run.createdAt == F.now && run.updatedAt == F.now)
            #expect(run.deadline == nil && run.lastMessageID == nil && run.digestID == nil && run.redeemedAt == nil && run.reason == nil)
        }
        #expect(runs[0].fingerprint == runs[1].fingerprint)
        var calls = 0
        #expect(planner.runs(event: "nope", recipient: Recipient(), data: [:], idempotencyKey: nil, cancellationKey: nil, now: F.now, makeID: { calls += 1; return "x" }).isEmpty)
        #expect(calls == 0)
        let noCode = planner.runs(event: "kudos.given", recipient: F.recipient, data: ["reward": ["code": 5]], idempotencyKey: nil, cancellationKey: nil, now: F.now, makeID: { "1" })
        #expect(noCode.map(\.rewardCode) == [nil] && noCode.map(\.idempotencyKey) == [nil])
    }

    @Test("the fingerprint is stable and changes with the event, the recipient, the data and the cancellation key")
    func fingerprint() {
        let base = Fingerprint.of(event: "e", recipient: F.recipient, data: ["a": 1], cancellationKey: "c")
        #expect(base == Fingerprint.of(event: "e", recipient: F.recipient, data: ["a": 1], cancellationKey: "c"))
        #expect(base.count == 64)
        var other = F.recipient
        other.locale = "id-ID"
        let variants = [
            Fingerprint.of(event: "f", recipient: F.recipient, data: ["a": 1], cancellationKey: "c"),
            Fingerprint.of(event: "e", recipient: other, data: ["a": 1], cancellationKey: "c"),
            Fingerprint.of(event: "e", recipient: F.recipient, data: ["a": .double(1)], cancellationKey: "c"),
            Fingerprint.of(event: "e", recipient: F.recipient, data: ["a": 1], cancellationKey: nil),
        ]
        #expect(Set(variants + [base]).count == 5)
    }

    @Test("a batch's fingerprints, the event's part encoded once, equal each recipient's own: stored runs still replay")
    func batchFingerprints() throws {
        let recipients = [
            F.recipient, Recipient(), Recipient(id: "crm-\"7\"\\x"), Recipient(name: "Siti \u{1F389} Ägren\t", email: "s@e.id", locale: "id-ID"),
            Recipient(name: "n", email: "e@x.y", phone: "+6281234567890", whatsapp: "+6281234567891", locale: "en", timezone: "Asia/Jakarta", id: "i"),
        ]
        let datas: [JSONValue] = [[:], ["a": 1, "b": ["z": .double(1.5), "y": [true, .null, "\u{7}\"é"]]], ["reward": ["code": "RW-1"]]]
        for data in datas {
            for key in [nil, "deal-9", "ključ \"x\""] as [String?] {
                let batch = EventFingerprints(event: "deal.closed", data: data, cancellationKey: key)
                for recipient in recipients {
                    #expect(batch.of(recipient) == Fingerprint.of(event: "deal.closed", recipient: recipient, data: data, cancellationKey: key))
                }
            }
        }
        let planner = try Self.planner()
        let keyed = recipients.filter { $0.key != nil }  // the API refuses a recipient without a key before planning
        let many = planner.runs(
            event: "deal.closed", recipients: keyed, data: datas[1], idempotencyKey: "k", cancellationKey: nil, now: F.now,
            makeID: { Identifier.make(now: F.now) })
        #expect(many.map(\.count) == Array(repeating: 2, count: keyed.count))
        for (runs, recipient) in zip(many, keyed) {
            #expect(runs.allSatisfy { $0.recipient == recipient && $0.fingerprint == Fingerprint.of(event: "deal.closed", recipient: recipient, data: datas[1], cancellationKey: nil) })
        }
    }

    @Test("the sends an event may cause, for checking its data against their templates first")
    func sends() throws {
        let planner = try Self.planner()
        let uses = planner.sends(listeningTo: "deal.closed")
        #expect(uses.map { "\($0.workflow) \($0.step) \($0.send.template) \($0.isDigest)" } == [
            "a-deal 0 reward-voucher false", "a-deal 1 reward-earned false", "c-deal 1 reward-expiring false",
        ])
        let digest = planner.sends(listeningTo: "kudos.given")
        #expect(digest.count == 1 && digest[0].isDigest)
        #expect(digest[0].templateData(for: ["from": "Budi"]) == ["from": "Budi", "events": [["from": "Budi"]]])
        #expect(uses[0].templateData(for: ["from": "Budi"]) == ["from": "Budi"])
        #expect(planner.sends(listeningTo: "nope").isEmpty)
    }

    @Test("conditions see the recipient's set fields only")
    func recipientValue() {
        #expect(Recipient(email: "a@b.c", timezone: "Asia/Jakarta").conditionValue == ["email": "a@b.c", "timezone": "Asia/Jakarta"])
        #expect(Recipient().conditionValue == [:])
    }
}
