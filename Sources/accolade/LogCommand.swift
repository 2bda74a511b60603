import AccoladeCore
import ArgumentParser
import Foundation

/// `accolade log <message-id>`: every attempt, oldest first.
struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Show every delivery attempt of a message: time, channel, provider, outcome, code, detail, duration.",
        discussion: "Example: accolade log 0193f1c2-7a4e-7b21-9c3d-5e6f7a8b9c0d")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Message id.") var id: String

    func run() async throws {
        try await global.reporting {
            let context = try await AppContext.open(global, channels: false)
            try await context.run {
                guard let message = try await context.store.message(id: id) else {
                    throw CommandFailure(message: "no message with id \(id)", exitCode: 4)
                }
                let deliveries = try await context.store.deliveries(messageID: id)
                let channelOf = Dictionary(uniqueKeysWithValues: deliveries.map { ($0.id, $0.channel.rawValue) })
                let attempts = try await context.store.attempts(messageID: id)
                if global.json {
                    Output.printJSON(attempts.map(AttemptView.init))
                    return
                }
                if let (runID, step) = WorkflowRun.sender(ofIdempotencyKey: message.idempotencyKey) {
                    print("sent by workflow run \(runID), step \(step + 1)")
                }
                if attempts.isEmpty {
                    print("no attempts yet (deliveries: \(deliveries.map { "\($0.channel) \($0.state.rawValue)" }.joined(separator: ", ")))")
                } else {
                    Output.table(
                        ["TIME", "CHANNEL", "#", "PROVIDER", "OUTCOME", "CODE", "MS", "DETAIL"],
                        attempts.map { a in
                            [Output.iso(a.startedAt), channelOf[a.deliveryID] ?? "?", "\(a.number)", a.provider, a.outcome.rawValue, a.code ?? "-", "\(Int((a.duration * 1000).rounded()))", a.detail]
                        })
                }
            }
        }
    }
}
