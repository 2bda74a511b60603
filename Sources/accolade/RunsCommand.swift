import AccoladeCore
import AccoladeServer
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
                        Output.printJSON(JSONValue.array(runs.map { RunJSON.run($0, steps: nil, definition: nil) }))
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
                        Output.printJSON(RunJSON.run(run, steps: steps, definition: nil))
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
