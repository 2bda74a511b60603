import AccoladeCore
import ArgumentParser
import Foundation

/// `accolade stats`: queue depth by state.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stats", abstract: "Show how many deliveries are in each state.")
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await global.reporting {
            let context = try await AppContext.open(global, channels: false)
            let snapshot = try await context.store.snapshot(now: context.clock.now())
            let counts = Dictionary(uniqueKeysWithValues: DeliveryState.allCases.map { ($0.rawValue, snapshot.count($0)) })
            if global.json {
                Output.printJSON(counts)
            } else {
                Output.table(["STATE", "DELIVERIES"], DeliveryState.allCases.map { [$0.rawValue, "\(snapshot.count($0))"] })
                if let due = snapshot.nextDueAt { print("\nnext due: \(Output.iso(due))") }
            }
        }
    }
}
