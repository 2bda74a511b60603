import AccoladeChannels
import AccoladeCore
import ArgumentParser
import Foundation

/// `accolade suppress list|add|remove`: the per-channel suppression list (opt-outs) every worker
/// checks before contacting a recipient.
struct SuppressCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suppress",
        abstract: "List, add or remove suppressed recipients (opt-outs) per channel.",
        discussion: """
            Inbound STOP/START keywords (Twilio, Kannel) and provider opt-out errors maintain the list
            automatically; these commands are for operators. A suppressed recipient's deliveries on
            that channel end `skipped` with the reason, before any provider is called.
            Examples:
              accolade suppress list --channel sms
              accolade suppress add +6281234567890 --reason "asked by phone on 2026-11-24"
              accolade suppress remove +6281234567890
            """,
        subcommands: [List.self, Add.self, Remove.self])

    /// The channel and address arguments shared by add and remove.
    struct Target: ParsableArguments {
        @Argument(help: "E.164 number (sms, whatsapp) or email address (email).") var address: String
        @Option(name: .long, help: "sms, whatsapp or email.") var channel = "sms"

        /// The channel and the address in the form channels look up (email lower-cased).
        func resolved() throws -> (ChannelKind, String) {
            guard let kind = ChannelKind(rawValue: channel), kind != .qr, kind != .inbox else {
                throw CommandFailure(message: "--channel must be sms, whatsapp or email", exitCode: 2)
            }
            switch kind {
            case .sms, .whatsapp:
                guard E164.isValid(address) else {
                    throw CommandFailure(message: "\"\(address)\" is not an E.164 number (e.g. +6281234567890)", exitCode: 2)
                }
                return (kind, address)
            case .email:
                if let problem = EmailAddress.problem(with: address) {
                    throw CommandFailure(message: "\"\(address)\" is not a valid email address: \(problem)", exitCode: 2)
                }
                return (kind, address.lowercased())
            case .qr, .inbox:
                throw CommandFailure(message: "--channel must be sms, whatsapp or email", exitCode: 2)
            }
        }
    }

    /// `accolade suppress list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List suppressed recipients in address order.")
        @OptionGroup var global: GlobalOptions
        @Option(name: .long, help: "Only this channel (sms, whatsapp, email).") var channel: String?
        @Option(name: .long, help: "At most this many.") var limit = 1000
        @Option(name: .long, help: "Start after this address (paging).") var after: String?

        func run() async throws {
            try await global.reporting {
                var kind: ChannelKind?
                if let channel {
                    guard let parsed = ChannelKind(rawValue: channel) else {
                        throw CommandFailure(message: "--channel must be sms, whatsapp or email", exitCode: 2)
                    }
                    kind = parsed
                }
                let context = try await AppContext.open(global, channels: false)
                try await context.run {
                    let entries = try await context.store.suppressions(channel: kind, after: after, limit: max(1, limit))
                    if global.json {
                        Output.printJSON(entries.map(SuppressionView.init))
                    } else if entries.isEmpty {
                        print("no suppressed recipients")
                    } else {
                        Output.table(
                            ["ADDRESS", "CHANNEL", "SINCE", "SOURCE", "REASON"],
                            entries.map { [$0.address, $0.channel.rawValue, Output.iso($0.createdAt), $0.source, $0.reason] })
                    }
                }
            }
        }
    }

    /// `accolade suppress add`.
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Suppress a recipient on a channel (idempotent; the first reason is kept).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var target: Target
        @Option(name: .long, help: "Why, shown in listings and in the skipped deliveries.") var reason = "added by an operator"

        func run() async throws {
            try await global.reporting {
                let (kind, address) = try target.resolved()
                let context = try await AppContext.open(global, channels: false)
                try await context.run {
                    let entry = Suppression(channel: kind, address: address, reason: reason, source: "cli", createdAt: context.clock.now())
                    let added = try await context.store.suppress([entry]) == 1
                    if global.json {
                        Output.printJSON(["address": address, "channel": kind.rawValue, "added": added ? "true" : "false"])
                    } else {
                        print(added ? "suppressed \(address) on \(kind)" : "\(address) was already suppressed on \(kind)")
                    }
                }
            }
        }
    }

    /// `accolade suppress remove`.
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Allow a suppressed recipient again on a channel.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var target: Target

        func run() async throws {
            try await global.reporting {
                let (kind, address) = try target.resolved()
                let context = try await AppContext.open(global, channels: false)
                try await context.run {
                    let removed = try await context.store.unsuppress(channel: kind, address: address)
                    if global.json {
                        Output.printJSON(["address": address, "channel": kind.rawValue, "removed": removed ? "true" : "false"])
                    } else {
                        print(removed ? "removed \(address) from the \(kind) suppression list" : "\(address) was not suppressed on \(kind)")
                    }
                }
            }
        }
    }

    struct SuppressionView: Encodable {
        var channel: String
        var address: String
        var reason: String
        var source: String
        var createdAt: String

        init(_ entry: Suppression) {
            channel = entry.channel.rawValue
            address = entry.address
            reason = entry.reason
            source = entry.source
            createdAt = Output.iso(entry.createdAt)
        }

        enum CodingKeys: String, CodingKey {
            case channel, address, reason, source
            case createdAt = "created_at"
        }
    }
}
