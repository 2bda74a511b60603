import AccoladeCore
import AccoladeWorkflows
import ArgumentParser
import Foundation

/// `accolade runs list|show|cancel`: follow and stop workflow runs.
struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List, show and cancel workflow runs.",
        subcommands: [List.self, Show.self, Cancel.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Runs, newest first.",
            discussion: "Examples:\n  accolade runs list --workflow deal-closed-reward --state scheduled\n  accolade runs list --recipient crm-10492")
        @OptionGroup var global: GlobalOptions
        @Option(name: .long, help: "Only this workflow's runs.") var workflow: String?
        @Option(name: .long, help: "Only this recipient key's runs (CRM id or address).") var recipient: String?
        @Option(name: .long, help: "Only runs in this state: scheduled, running, completed, failed, cancelled.") var state: String?
        @Option(name: .long, help: "Only runs with this cancellation key.") var cancellationKey: String?
        @Option(name: .long, help: "At most this many (1–1000).") var limit = 50

        func run() async throws {
            try await global.reporting {
                var query = RunQuery(workflow: workflow, recipientKey: recipient, cancellationKey: cancellationKey, limit: limit)
                guard (1...1000).contains(limit) else { throw CommandFailure(message: "--limit must be 1–1000", exitCode: 2) }
                if let state {
                    guard let value = RunState(rawValue: state) else {
                        throw CommandFailure(message: "--state: one of \(RunState.allCases.map(\.rawValue).joined(separator: ", "))", exitCode: 2)
                    }
                    query.states = [value]
                }
                let context = try await AppContext.open(global, channels: false)
                try await context.run {
                    let runs = try await context.store.runs(matching: query)
                    if global.json {
                        Output.printJSON(runs.map { RunView($0, steps: nil) })
                    } else {
                        Output.table(
                            ["RUN", "WORKFLOW", "RECIPIENT", "STATE", "STEP", "DUE", "CREATED"],
                            runs.map { [$0.id, $0.workflow, $0.recipientKey, $0.state.rawValue, "\($0.cursor + 1)", $0.state.isFinal ? "-" : Output.iso($0.dueAt), Output.iso($0.createdAt)] })
                    }
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One run: every step it took and why, and what comes next.", discussion: "Example: accolade runs show run_0193f1c2-7a4e-7b21-9c3d-5e6f7a8b9c0d")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Run id.") var id: String

        func run() async throws {
            try await global.reporting {
                let context = try await AppContext.open(global, channels: false)
                try await context.run {
                    guard let run = try await context.store.run(id: id) else { throw CommandFailure(message: "no run with id \(id)", exitCode: 4) }
                    let steps = try await context.store.runSteps(runID: id)
                    if global.json {
                        Output.printJSON(RunView(run, steps: steps))
                        return
                    }
                    print("run       \(run.id)")
                    print("workflow  \(run.workflow) (on \(run.event))")
                    print("recipient \(run.recipientKey)")
                    print("state     \(run.state.rawValue)\(run.reason.map { " — \($0)" } ?? "")")
                    if !run.state.isFinal { print("next      step \(run.cursor + 1) at \(Output.iso(run.dueAt))") }
                    if let key = run.cancellationKey { print("cancel    accolade runs cancel \(key)") }
                    if let redeemed = run.redeemedAt { print("redeemed  \(Output.iso(redeemed))") }
                    print("")
                    Output.table(
                        ["STEP", "KIND", "OUTCOME", "AT", "UNTIL", "MESSAGE", "WHY"],
                        steps.map { ["\($0.step + 1)", $0.kind, $0.outcome.rawValue, Output.iso($0.at), $0.until.map { Output.iso($0) } ?? "-", $0.messageID ?? "-", $0.reason ?? ""] })
                }
            }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel every unfinished run started with a cancellation key.",
            discussion: "Deliveries not yet claimed are cancelled; one already being sent finishes.\nExample: accolade runs cancel deal-4711")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The cancellation key given with the event.") var key: String

        func run() async throws {
            try await global.reporting {
                let context = try await AppContext.open(global, channels: false)
                try await context.run {
                    let result: RunCancellation
                    do {
                        result = try await context.eventDispatcher().cancel(cancellationKey: key)
                    } catch let error as AccoladeCore.ValidationError {
                        throw CommandFailure(message: error.description, exitCode: 2)
                    }
                    if global.json {
                        Output.printJSON(["cancelled_runs": result.runIDs.count, "cancelled_deliveries": result.cancelledDeliveries])
                    } else {
                        print("cancelled \(result.runIDs.count) run(s) and \(result.cancelledDeliveries) deliver\(result.cancelledDeliveries == 1 ? "y" : "ies")")
                    }
                }
            }
        }
    }
}

/// JSON shape of a run (and its steps): the API's field names, so scripts read one format from both.
struct RunView: Encodable {
    var id, workflow, event, recipientKey, state: String
    var to: Recipient
    var data: JSONValue
    var step: Int
    var dueAt, deadline, redeemedAt: Date?
    var lastMessageID, reason, idempotencyKey, cancellationKey: String?
    var createdAt, updatedAt: Date
    var steps: [StepView]?

    struct StepView: Encodable {
        var step: Int
        var kind, outcome: String
        var reason, messageID: String?
        var until: Date?
        var at: Date

        enum CodingKeys: String, CodingKey {
            case step, kind, outcome, reason, until, at
            case messageID = "message_id"
        }
    }

    init(_ run: WorkflowRun, steps: [RunStepRecord]?) {
        (id, workflow, event, recipientKey, state) = (run.id, run.workflow, run.event, run.recipientKey, run.state.rawValue)
        (to, data, step) = (run.recipient, run.data, run.cursor)
        (dueAt, deadline) = run.state.isFinal ? (nil, nil) : (run.dueAt, run.deadline)
        redeemedAt = run.redeemedAt
        (lastMessageID, reason, idempotencyKey, cancellationKey) = (run.lastMessageID, run.reason, run.idempotencyKey, run.cancellationKey)
        (createdAt, updatedAt) = (run.createdAt, run.updatedAt)
        self.steps = steps?.map {
            StepView(step: $0.step, kind: $0.kind, outcome: $0.outcome.rawValue, reason: $0.reason, messageID: $0.messageID, until: $0.until, at: $0.at)
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, workflow, event, state, to, data, step, deadline, reason, steps
        case recipientKey = "recipient_key"
        case dueAt = "due_at"
        case redeemedAt = "redeemed_at"
        case lastMessageID = "last_message_id"
        case idempotencyKey = "idempotency_key"
        case cancellationKey = "cancellation_key"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}
