import AccoladeCore
import Testing
@testable import AccoladeWorkflows

@Suite("Workflow files")
struct WorkflowFileParserTests {
    /// The example of issue 16, verbatim.
    static let issueExample = """
        name: deal-closed-reward
        on: deal.closed                      # event name
        category: rewards                    # for preferences (later issue) and reports
        steps:
          - if: "data.reward.voucher.amount >= 100000"    # optional condition on event data
            send: { template: reward-voucher, channels: [whatsapp, email], mode: fallback }
          - wait: { for: read, within: 24h }               # a receipt state on the previous send
            else: { send: { template: reward-earned, channels: [sms] } }
          - remind: { before: data.reward.expires_on, offset: 3d, template: reward-expiring, unless: redeemed }
        """

    @Test("the issue's example parses as written")
    func issueExample() throws {
        let w = try WorkflowFileParser.parse(yaml: Self.issueExample, file: "config/workflows/deal-closed.yml")
        #expect(w.name == "deal-closed-reward" && w.event == "deal.closed" && w.category == "rewards")
        #expect(w.steps.count == 3)
        #expect(w.steps[0].condition?.source == "data.reward.voucher.amount >= 100000")
        #expect(w.steps[0].action == .send(WorkflowSend(template: "reward-voucher", channels: [.whatsapp, .email], mode: .fallback)))
        #expect(w.steps[1].condition == nil)
        #expect(w.steps[1].action == .wait(WorkflowWait(target: .read, within: 86_400, otherwise: WorkflowSend(template: "reward-earned", channels: [.sms]))))
        #expect(
            w.steps[2].action
                == .remind(WorkflowRemind(before: DataPath(root: .data, keys: ["reward", "expires_on"]), offset: 3 * 86_400, send: WorkflowSend(template: "reward-expiring"), unlessRedeemed: true)))
    }

    @Test("every step kind with every key")
    func everyKind() throws {
        let w = try WorkflowFileParser.parse(
            yaml: """
                name: all_kinds.v2
                on: kudos.given
                steps:
                  - throttle: { limit: 3, per: 1d, then: digest }
                  - delay: { for: 90m }
                  - delay: { until: data.starts_on, at: "09:30" }
                  - digest: { until: "18:00", key: data.team.id, send: { template: kudos, locale: es-419 } }
                  - digest: { window: 1h, send: { template: kudos, channels: email } }
                  - if: exists data.note
                    wait: { for: delivered, within: 2h }
                  - wait: { for: redeemed, within: 7d }
                  - remind: { before: data.reward.expires_on, offset: 0, at: "10:00", template: reward-expiring, channels: [email, sms], mode: all, locale: id }
                """, file: "w.yml")
        #expect(w.category == nil)
        #expect(w.steps.map(\.action.keyword) == ["throttle", "delay", "delay", "digest", "digest", "wait", "wait", "remind"])
        #expect(w.steps[0].action == .throttle(WorkflowThrottle(limit: 3, per: 86_400, overflow: .digest)))
        #expect(w.steps[1].action == .delay(.duration(5_400)))
        #expect(w.steps[2].action == .delay(.until(DataPath(root: .data, keys: ["starts_on"]), at: TimeOfDay("09:30"))))
        #expect(w.steps[3].action == .digest(WorkflowDigest(window: .until(TimeOfDay("18:00")!), key: DataPath(root: .data, keys: ["team", "id"]), send: WorkflowSend(template: "kudos", locale: "es-419"))))
        #expect(w.steps[4].action == .digest(WorkflowDigest(window: .duration(3_600), send: WorkflowSend(template: "kudos", channels: [.email]))))
        #expect(w.steps[5].condition?.source == "exists data.note")
        #expect(w.steps[6].action == .wait(WorkflowWait(target: .redeemed, within: 7 * 86_400)))
        #expect(
            w.steps[7].action
                == .remind(WorkflowRemind(before: DataPath(root: .data, keys: ["reward", "expires_on"]), offset: 0, at: TimeOfDay("10:00"), send: WorkflowSend(template: "reward-expiring", channels: [.email, .sms], mode: .all, locale: "id"))))
    }

    /// A valid header for the error rows below.
    static let head = "name: w\non: e\nsteps:\n"

    /// Every row: file text after `head` (or whole, when it starts with "!"), the expected message.
    static let errors: [(String, String)] = [
        ("  - send: { template: t }\n    sned: {}", "f.yml: steps[0].sned: unknown key"),
        ("!name: w\non: e\nsteps: []\ncolour: red", "f.yml: colour: unknown key"),
        ("!on: e\nsteps:\n  - send: { template: t }", "f.yml: name: is required"),
        ("!name: w\nsteps:\n  - send: { template: t }", "f.yml: on: is required"),
        ("!name: w\non: e", "f.yml: steps: is required"),
        ("!name: w x\non: e\nsteps:\n  - send: { template: t }", "f.yml: name: \"w x\" is not a name"),
        ("!name: w\non: e\ncategory: [a]\nsteps:\n  - send: { template: t }", "f.yml: category: expected a single value"),
        ("!name: w\non: e\nsteps: { send: x }", "f.yml: steps: expected a list of mappings"),
        ("!: [", "f.yml: not valid YAML"),
        ("  - {}", "f.yml: steps[0]: needs one of send, delay, wait, digest, throttle, remind"),
        ("  - send: { template: t }\n    delay: { for: 1h }", "f.yml: steps[0]: has send and delay; give each its own step"),
        ("  - send: reward-earned", "f.yml: steps[0].send: expected a mapping of keys"),
        ("  - send: { channels: [email] }", "f.yml: steps[0].send.template: is required"),
        ("  - send: { template: t, channels: [email, fax] }", "f.yml: steps[0].send.channels[1]: unknown channel \"fax\""),
        ("  - send: { template: t, channels: [email, email] }", "f.yml: steps[0].send.channels[1]: names email twice"),
        ("  - send: { template: t, channels: [] }", "f.yml: steps[0].send.channels: must name at least one channel"),
        ("  - send: { template: t, mode: first }", "f.yml: steps[0].send.mode: must be one of all | fallback"),
        ("  - send: { template: t, locale: \"english please\" }", "f.yml: steps[0].send.locale: \"english please\" is not a BCP 47"),
        ("  - send: { template: t, subject: Hi }", "f.yml: steps[0].send.subject: unknown key"),
        ("  - if: \"data.amount >= \"\n    send: { template: t }", "f.yml: steps[0].if: column 16: expected a value"),
        ("  - send: { template: t }\n  - if: \"data.reward.voucher.amount >== 100000\"\n    send: { template: t }", "f.yml: steps[1].if: column 30: unexpected \"=\""),
        ("  - if: \"\"\n    send: { template: t }", "f.yml: steps[0].if: is empty; write a condition or leave if out"),
        ("  - send: { template: t }\n  - if: null\n    send: { template: t }", "f.yml: steps[1].if: is empty"),
        ("  - if: \"  \"\n    send: { template: t }", "f.yml: steps[0].if: column 1: empty condition"),
        ("  - send: { template: t, channels: [email, \"${CHANNEL}\"] }", "f.yml: steps[0].send.channels[1]: workflow files do not read environment variables"),
        ("  - send: { template: t }\n  - wait: { for: read, within: soon }", "f.yml: steps[1].wait.within: expected a duration like 30m, 24h or 3d; got \"soon\""),
        ("  - wait: { for: read, within: 0s }", "f.yml: steps[0].wait.within: must be longer than zero"),
        ("  - wait: { for: read, within: 400d }", "f.yml: steps[0].wait.within: must be at most 366d"),
        ("  - wait: { for: seen, within: 1h }", "f.yml: steps[0].wait.for: must be one of delivered | read | redeemed"),
        ("  - wait: { within: 1h }", "f.yml: steps[0].wait.for: is required"),
        ("  - wait: { for: read }", "f.yml: steps[0].wait.within: is required"),
        ("  - wait: { for: read, within: 1h }\n    else: { template: t }", "f.yml: steps[0].else.send: is required"),
        ("  - wait: { for: read, within: 1h }\n    else: { send: { template: t }, delay: 1h }", "f.yml: steps[0].else.delay: unknown key"),
        ("  - send: { template: t }\n    else: { send: { template: t } }", "f.yml: steps[0].else: only a wait step has an else"),
        ("  - delay: {}", "f.yml: steps[0].delay: needs for"),
        ("  - delay: { for: 1h, until: data.x }", "f.yml: steps[0].delay: set either for or until"),
        ("  - delay: { for: 1h, at: \"09:00\" }", "f.yml: steps[0].delay.at: goes with until"),
        ("  - delay: { until: reward.starts_on }", "f.yml: steps[0].delay.until: expected a data path like data.reward.expires_on"),
        ("  - delay: { until: recipient.timezone }", "f.yml: steps[0].delay.until: expected a data path"),
        ("  - delay: { until: \"data.a b\" }", "f.yml: steps[0].delay.until: expected a data path"),
        ("  - delay: { until: data.x, at: \"9:00\" }", "f.yml: steps[0].delay.at: expected a time \"HH:MM\""),
        ("  - digest: { until: \"24:00\", send: { template: t } }", "f.yml: steps[0].digest.until: expected a time \"HH:MM\""),
        ("  - digest: { until: \"18:60\", send: { template: t } }", "f.yml: steps[0].digest.until: expected a time \"HH:MM\""),
        ("  - digest: { window: 1h }", "f.yml: steps[0].digest.send: is required"),
        ("  - digest: { send: { template: t } }", "f.yml: steps[0].digest: needs window"),
        ("  - digest: { window: 1h, until: \"18:00\", send: { template: t } }", "f.yml: steps[0].digest: set either window or until"),
        ("  - digest: { window: 1h, key: team, send: { template: t } }", "f.yml: steps[0].digest.key: expected a data path"),
        ("  - throttle: { per: 1d }", "f.yml: steps[0].throttle.limit: is required"),
        ("  - throttle: { limit: three, per: 1d }", "f.yml: steps[0].throttle.limit: expected a whole number"),
        ("  - throttle: { limit: 0, per: 1d }", "f.yml: steps[0].throttle.limit: must be between 1 and 10000"),
        ("  - throttle: { limit: 3 }", "f.yml: steps[0].throttle.per: is required"),
        ("  - throttle: { limit: 3, per: 1d, then: queue }", "f.yml: steps[0].throttle.then: must be one of skip | digest"),
        ("  - remind: { offset: 3d, template: t }", "f.yml: steps[0].remind.before: is required"),
        ("  - remind: { before: data.x, template: t }", "f.yml: steps[0].remind.offset: is required"),
        ("  - remind: { before: data.x, offset: 3d }", "f.yml: steps[0].remind.template: is required"),
        ("  - remind: { before: data.x, offset: -3d, template: t }", "f.yml: steps[0].remind.offset: expected a duration"),
        ("  - remind: { before: data.x, offset: 3d, template: t, unless: read }", "f.yml: steps[0].remind.unless: must be redeemed"),
        ("  - remind: { before: data.x, offset: 3d, template: t, at: \"10\" }", "f.yml: steps[0].remind.at: expected a time"),
        ("  - send: { template: t, send_at: soon }", "f.yml: steps[0].send.send_at: must be optimal, got \"soon\""),
        ("  - remind: { before: data.x, offset: 3d, template: t, send_at: optimal }", "f.yml: steps[0].remind.send_at: unknown key"),
        ("!name: w\non: e\nreward_value: reward.voucher\nsteps:\n  - send: { template: t }", "f.yml: reward_value: expected a data path like data.reward.voucher"),
        ("!name: w\non: e\nreward_value: [data.points, \"data.x + 1\"]\nsteps:\n  - send: { template: t }", "f.yml: reward_value[1]: expected a data path"),
        ("!name: w\non: e\nreward_value: []\nsteps:\n  - send: { template: t }", "f.yml: reward_value: is empty"),
    ]

    @Test("reward_value: one data path or a list, kept without the data root")
    func rewardValue() throws {
        let one = try WorkflowFileParser.parse(yaml: "name: w\non: e\nreward_value: data.reward.voucher\nsteps:\n  - send: { template: t }\n", file: "f.yml")
        #expect(one.rewardValuePaths == ["reward.voucher"])
        let list = try WorkflowFileParser.parse(
            yaml: "name: w\non: e\nreward_value: [data.reward.voucher, data.points]\nsteps:\n  - send: { template: t }\n", file: "f.yml")
        #expect(list.rewardValuePaths == ["reward.voucher", "points"])
        #expect(try WorkflowFileParser.parse(yaml: Self.head + "  - send: { template: t }\n", file: "f.yml").rewardValuePaths.isEmpty)
    }

    @Test("send_at: optimal on a send step")
    func optimalSend() throws {
        let w = try WorkflowFileParser.parse(yaml: Self.head + "  - send: { template: t, channels: [whatsapp], send_at: optimal }\n", file: "f.yml")
        var send = WorkflowSend(template: "t", channels: [.whatsapp])
        send.optimalSendAt = true
        #expect(w.steps[0].action == .send(send))
    }

    @Test("errors name the file and the key path", arguments: 0..<errors.count)
    func error(_ index: Int) {
        let (body, expected) = Self.errors[index]
        let yaml = body.hasPrefix("!") ? String(body.dropFirst()) : Self.head + body
        do {
            let w = try WorkflowFileParser.parse(yaml: yaml, file: "f.yml")
            Issue.record("parsed: \(w)")
        } catch {
            #expect(error.description.hasPrefix(expected), "\(error.description)")
        }
    }

    @Test("a condition's error names file, step and column")
    func conditionColumn() throws {
        let yaml = Self.issueExample.replacingOccurrences(of: ">= 100000", with: ">= 100000 and")
        #expect(throws: WorkflowError(file: "config/workflows/deal-closed.yml", path: "steps[0].if", reason: "column 41: expected a value (a path such as data.amount, a number, a \"string\", true, false, null or a list), found the end of the condition")) {
            try WorkflowFileParser.parse(yaml: yaml, file: "config/workflows/deal-closed.yml")
        }
    }
}
