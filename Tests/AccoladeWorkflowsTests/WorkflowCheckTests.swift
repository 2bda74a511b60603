import AccoladeCore
import Foundation
import Testing
@testable import AccoladeWorkflows

@Suite("Workflow checks")
struct WorkflowCheckTests {
    /// The shipped templates' channels, and every channel configured.
    static let check = WorkflowCheck(
        templates: [
            "reward-voucher": [.email, .qr, .whatsapp], "reward-earned": [.email, .sms, .whatsapp], "reward-expiring": [.email, .sms, .whatsapp],
            "milestone-reached": [.email, .sms],
        ],
        channels: [.email, .sms, .whatsapp, .qr])

    func problems(_ steps: String, check: WorkflowCheck = check) throws -> [String] {
        let w = try WorkflowFileParser.parse(yaml: "name: w\non: e\nsteps:\n" + steps, file: "f.yml")
        return check.problems(w).map(\.description)
    }

    @Test("the issue's example passes")
    func issueExample() throws {
        let w = try WorkflowFileParser.parse(yaml: WorkflowFileParserTests.issueExample, file: "f.yml")
        #expect(Self.check.problems(w) == [])
    }

    @Test("each rule, with the key path of the problem")
    func rules() throws {
        let cases: [(String, [String])] = [
            ("  - send: { template: reward-typo }", ["f.yml: steps[0].send.template: unknown template \"reward-typo\" (templates: milestone-reached, reward-earned, reward-expiring, reward-voucher)"]),
            ("  - send: { template: milestone-reached, channels: [email, whatsapp] }", ["f.yml: steps[0].send.channels[1]: template \"milestone-reached\" has no whatsapp part (it has email, sms)"]),
            ("  - remind: { before: data.d, offset: 1d, template: nope }", ["f.yml: steps[0].remind.template: unknown template \"nope\" (templates: milestone-reached, reward-earned, reward-expiring, reward-voucher)"]),
            ("  - digest: { window: 1h, send: { template: nope } }", ["f.yml: steps[0].digest.send.template: unknown template \"nope\" (templates: milestone-reached, reward-earned, reward-expiring, reward-voucher)"]),
            ("  - wait: { for: delivered, within: 1h }", ["f.yml: steps[0].wait: must follow a send step: it waits for a state of the previous send"]),
            ("  - delay: { for: 1h }\n  - wait: { for: redeemed, within: 1h }", ["f.yml: steps[1].wait: must follow a send step: it waits for a state of the previous send"]),
            ("  - send: { template: reward-earned, channels: [email, sms] }\n  - wait: { for: read, within: 1h }",
             ["f.yml: steps[1].wait.for: read can never happen: the send at steps[0] goes by email, sms, and none of them reports read (only whatsapp, inbox can); send by whatsapp, or wait for delivered"]),
            ("  - send: { template: milestone-reached }\n  - delay: { for: 1h }\n  - wait: { for: read, within: 1h }",
             ["f.yml: steps[2].wait.for: read can never happen: the send at steps[0] goes by email, sms, and none of them reports read (only whatsapp, inbox can); send by whatsapp, or wait for delivered"]),
            ("  - send: { template: reward-voucher, channels: [email, qr] }\n  - wait: { for: delivered, within: 1h }",
             ["f.yml: steps[1].wait.for: delivered can never happen: the send at steps[0] goes by email, qr, and none of them reports delivered (only sms, whatsapp, inbox can)"]),
            ("  - send: { template: reward-earned, channels: [email] }\n  - wait: { for: redeemed, within: 7d }", []),
            ("  - send: { template: reward-earned, channels: [sms] }\n  - wait: { for: delivered, within: 1h }", []),
            ("  - send: { template: reward-earned }\n  - wait: { for: read, within: 1h }", []),
            ("  - digest: { window: 1h, send: { template: reward-earned, channels: [whatsapp] } }\n  - wait: { for: read, within: 1h }", []),
            // The nearest earlier send counts, not the first.
            ("  - send: { template: reward-earned, channels: [whatsapp] }\n  - send: { template: reward-earned, channels: [sms] }\n  - wait: { for: read, within: 1h }",
             ["f.yml: steps[2].wait.for: read can never happen: the send at steps[1] goes by sms, and none of them reports read (only whatsapp, inbox can); send by whatsapp, or wait for delivered"]),
            ("  - send: { template: reward-earned, channels: [whatsapp] }\n  - wait: { for: read, within: 1h }\n    else: { send: { template: nope } }",
             ["f.yml: steps[1].else.send.template: unknown template \"nope\" (templates: milestone-reached, reward-earned, reward-expiring, reward-voucher)"]),
            ("  - throttle: { limit: 3, per: 1d, then: digest }\n  - send: { template: reward-earned }",
             ["f.yml: steps[0].throttle.then: digest needs a digest step after this throttle to fold throttled runs into; add one or use then: skip"]),
            ("  - throttle: { limit: 3, per: 1d, then: digest }\n  - digest: { window: 1h, send: { template: reward-earned } }", []),
        ]
        for (steps, expected) in cases {
            #expect(try problems(steps) == expected, "\(steps)")
        }
    }

    @Test("channels must be configured; without channels, some configured channel must have a part")
    func configuredChannels() throws {
        let emailOnly = WorkflowCheck(templates: Self.check.templates, channels: [.email])
        #expect(try problems("  - send: { template: reward-earned, channels: [whatsapp, email] }", check: emailOnly)
            == ["f.yml: steps[0].send.channels[0]: channel whatsapp is not configured (add channels.whatsapp to the configuration)"])
        let smsOnly = WorkflowCheck(templates: Self.check.templates, channels: [.sms])
        #expect(try problems("  - send: { template: reward-voucher }", check: smsOnly)
            == ["f.yml: steps[0].send.template: no configured channel has a part in template \"reward-voucher\" (it has email, qr, whatsapp)"])
        // Without WhatsApp configured, a send without channels reaches only email and SMS: read cannot happen.
        #expect(try problems("  - send: { template: reward-earned }\n  - wait: { for: read, within: 1h }", check: WorkflowCheck(templates: Self.check.templates, channels: [.email, .sms]))
            == ["f.yml: steps[1].wait.for: read can never happen: the send at steps[0] goes by email, sms, and none of them reports read (only whatsapp, inbox can); send by whatsapp, or wait for delivered"])
    }

    @Test("every problem of a workflow is reported, in step order")
    func several() throws {
        let found = try problems("  - send: { template: a }\n  - wait: { for: read, within: 1h }\n  - send: { template: b }")
        #expect(found.count == 2)
        #expect(found[0].hasPrefix("f.yml: steps[0].send.template") && found[1].hasPrefix("f.yml: steps[2].send.template"))
    }

    @Test("read receipts: WhatsApp and the inbox; delivery reports: SMS, WhatsApp and the inbox")
    func capabilities() {
        #expect(ChannelKind.allCases.filter(\.reportsRead) == [.whatsapp, .inbox])
        #expect(ChannelKind.allCases.filter(\.reportsDelivered) == [.sms, .whatsapp, .inbox])
    }
}
