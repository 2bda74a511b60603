import AccoladeCore
import Foundation
@testable import AccoladeWorkflows

/// Workflows, runs and claims for the engine's tests, with one fixed `now`.
enum RunFixtures {
    /// Sunday 2026-12-06 12:00 UTC.
    static let now = ISOTime.parseInstant("2026-12-06T12:00:00Z")!
    static let recipient = Recipient(name: "Ana", email: "Ana@Example.com", whatsapp: "+6281234567890", timezone: "Asia/Jakarta")

    static func instant(_ text: String) -> Date { ISOTime.parseInstant(text)! }

    /// A workflow `w` on event `e` with these steps (YAML list items, two-space indent).
    static func workflow(_ steps: String, name: String = "w", event: String = "e") throws -> WorkflowDefinition {
        try WorkflowFileParser.parse(yaml: "name: \(name)\non: \(event)\nsteps:\n" + steps, file: "\(name).yml")
    }

    static func run(
        workflow: String = "w", data: JSONValue = .object([:]), recipient: Recipient = recipient, cursor: Int = 0, deadline: Date? = nil,
        lastMessageID: String? = nil, digestID: String? = nil, redeemedAt: Date? = nil
    ) -> WorkflowRun {
        WorkflowRun(
            id: "run_0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", workflow: workflow, event: "e", recipient: recipient, recipientKey: recipient.key!, data: data,
            idempotencyKey: "k1", fingerprint: "f", cancellationKey: nil, rewardCode: nil, state: .running, cursor: cursor, dueAt: now,
            deadline: deadline, lastMessageID: lastMessageID, digestID: digestID, redeemedAt: redeemedAt, createdAt: now, updatedAt: now)
    }

    /// Advances `claimed` with a runner of `workflow`.
    static func advance(_ workflow: WorkflowDefinition, _ claimed: ClaimedRun, now: Date = now, zone: TimeZone = .gmt) -> RunPlan {
        WorkflowRunner(workflows: [workflow], defaultTimeZone: zone).advance(claimed, now: now)
    }

    static func key(_ step: Int) -> String { WorkflowRun.sendIdempotencyKey(runID: run().id, step: step) }
}

extension RunPlan {
    /// `(step, outcome)` of every record, for compact expectations.
    var outcomes: [String] { records.map { "\($0.step) \($0.kind) \($0.outcome.rawValue)" } }
}

// Literals for event data in the engine's tests only: `["amount": 50, "starts_on": "2026-12-10"]`.
extension JSONValue: ExpressibleByDictionaryLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral
{
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
}
