import AccoladeCore
import ArgumentParser
import Foundation

/// `accolade dead list|retry`: deliveries that failed for good, and putting them back.
struct DeadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dead",
        abstract: "List failed deliveries, or requeue them.",
        subcommands: [List.self, Retry.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List failed deliveries, newest first.")
        @OptionGroup var global: GlobalOptions
        @Option(name: .long, help: "At most this many.") var limit = 100

        func run() async throws {
            try await global.reporting {
                let context = try await AppContext.open(global, channels: false)
                try await context.run {
                    let dead = try await context.store.deliveries(inStates: [.failed], limit: limit)
                    if global.json {
                        Output.printJSON(dead.map { DeadView(messageID: $0.messageID, delivery: DeliveryView($0)) })
                    } else if dead.isEmpty {
                        print("no failed deliveries")
                    } else {
                        Output.table(["DELIVERY", "MESSAGE", "CHANNEL", "ATTEMPTS", "LAST ERROR"], dead.map { [$0.id, $0.messageID, $0.channel.rawValue, "\($0.attempts)", $0.lastError ?? ""] })
                    }
                }
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Requeue failed deliveries: one delivery id, every failed delivery of a message id, or --all.",
            discussion: "Examples:\n  accolade dead retry 0193f1c2-…\n  accolade dead retry --all")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "A delivery id or a message id.") var id: String?
        @Flag(name: .long, help: "Requeue every failed delivery.") var all = false

        func validate() throws {
            if (id == nil) == !all { throw ValidationError("give a delivery or message id, or --all") }
        }

        func run() async throws {
            try await global.reporting {
                let context = try await AppContext.open(global, channels: false)
                try await context.run {
                    var ids: [String]? = nil
                    if let id {
                        let ofMessage = try await context.store.deliveries(messageID: id).filter { $0.state == .failed }.map(\.id)
                        ids = ofMessage.isEmpty ? [id] : ofMessage
                    }
                    let requeued = try await context.store.requeueFailed(deliveryIDs: ids, now: context.clock.now())
                    if global.json {
                        Output.printJSON(["requeued": requeued])
                    } else {
                        print("requeued \(requeued.count) deliver\(requeued.count == 1 ? "y" : "ies")")
                    }
                    if id != nil, requeued.isEmpty { throw CommandFailure(message: "no failed delivery matches \(id!)", exitCode: 4) }
                }
            }
        }
    }
}

struct DeadView: Encodable {
    var messageID: String
    var delivery: DeliveryView
    enum CodingKeys: String, CodingKey {
        case messageID = "message_id"
        case delivery
    }
}
