import AccoladeCore
import AccoladeWorkflows
import ArgumentParser
import Foundation

/// `accolade simulate-optimal-send` (hidden; `scripts/simulate-optimal-send.sh` runs it): the
/// seeded simulation of `send_at: optimal` on synthetic recipients (``OptimalSendSimulation``,
/// the real picker), printing how often optimal and immediate sends land within ±1 h of each
/// recipient's hidden preferred hour. No configuration, store or network.
struct SimulateOptimalSendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate-optimal-send",
        abstract: "Simulate send_at: optimal on synthetic recipients (seeded; no store, no network).",
        discussion: """
            Example:
              accolade simulate-optimal-send --recipients 5000 --seed 17
            """,
        shouldDisplay: false)

    @Option(name: .long, help: "Synthetic recipients.") var recipients = 5000
    @Option(name: .long, help: "Seed: the same seed gives the same figures.") var seed: UInt64 = 17
    @Option(name: .long, help: "optimal.horizon in hours.") var horizonHours = 24
    @Flag(name: .long, help: "Print JSON.") var json = false

    func validate() throws {
        guard (1...1_000_000).contains(recipients) else { throw ValidationError("--recipients must be between 1 and 1000000") }
        guard (1...168).contains(horizonHours) else { throw ValidationError("--horizon-hours must be between 1 and 168") }
    }

    func run() throws {
        let picker = OptimalSendPicker(config: OptimalSendConfig(horizon: Double(horizonHours) * 3600))
        let started = ContinuousClock.now
        let result = OptimalSendSimulation(recipients: recipients, seed: seed, picker: picker).run()
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        if json {
            let out: JSONValue = .object([
                "recipients": .int(Int64(result.recipients)), "seed": .int(Int64(seed)),
                "optimal_hits": .int(Int64(result.optimalHits)), "immediate_hits": .int(Int64(result.immediateHits)),
                "optimal_share": .double(result.optimalShare), "immediate_share": .double(result.immediateShare),
                "lift": .double(result.lift), "seconds": .double(seconds),
                "bases": .object(result.bases.mapValues { .int(Int64($0)) }),
            ])
            print(try out.jsonText())
            return
        }
        func pct(_ x: Double) -> String { String(format: "%.1f %%", x * 100) }
        print("recipients        \(result.recipients) (seed \(seed), horizon \(horizonHours) h, zones \(OptimalSendSimulation.zones.map(\.zone).joined(separator: ", ")))")
        print("optimal send      \(pct(result.optimalShare)) within ±1 h of the hidden hour (\(result.optimalHits))")
        print("immediate send    \(pct(result.immediateShare)) (\(result.immediateHits))")
        print("lift              \(String(format: "%.2f", result.lift))× (target ≥ 3×)")
        print("picks by basis    \(result.bases.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))")
        print("time              \(String(format: "%.2f", seconds)) s for generation and \(result.recipients) picks (\(String(format: "%.1f", seconds / Double(result.recipients) * 1e6)) µs each)")
    }
}
