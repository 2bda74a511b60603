import AccoladeCore
import ArgumentParser
import Foundation

/// `accolade stats`: queue depth by state.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "Show how many deliveries are in each state, and channels paused by a misconfigured provider.")
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await global.reporting {
            let context = try await AppContext.open(global, channels: false)
            try await context.run {
                let snapshot = try await context.store.snapshot(now: context.clock.now())
                let paused = try await context.store.providerPauses()
                let counts = Dictionary(uniqueKeysWithValues: DeliveryState.allCases.map { ($0.rawValue, snapshot.count($0)) })
                if global.json {
                    // The counts stay the top level (scripts read them); paused channels are one more key.
                    var object = counts.mapValues { JSONValue.int(Int64($0)) }
                    object["paused"] = .array(paused.map(Self.json))
                    Output.printJSON(JSONValue.object(object))
                } else {
                    Output.table(["STATE", "DELIVERIES"], DeliveryState.allCases.map { [$0.rawValue, "\(snapshot.count($0))"] })
                    if let due = snapshot.nextDueAt { print("\nnext due: \(Output.iso(due))") }
                    if !paused.isEmpty {
                        print("\nPAUSED: deliveries wait queued until the provider works again")
                        Output.table(
                            ["CHANNEL", "PROVIDER", "FIX", "SINCE", "NEXT PROBE", "ERROR"],
                            paused.map { [$0.channel.rawValue, $0.provider, $0.configKey, Output.iso($0.since), Output.iso($0.nextProbeAt), $0.reason] })
                    }
                }
            }
        }
    }

    /// A paused channel as `stats --json` shows it.
    static func json(_ pause: ProviderPause) -> JSONValue {
        .object([
            "channel": .string(pause.channel.rawValue), "provider": .string(pause.provider), "config_key": .string(pause.configKey),
            "reason": .string(pause.reason), "since": .string(ISOTime.format(pause.since)),
            "next_probe_at": .string(ISOTime.format(pause.nextProbeAt)),
        ])
    }
}
