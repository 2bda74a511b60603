import AccoladeCore
import ArgumentParser
import Foundation

/// `accolade preferences show|set`: a recipient's opt-ins and opt-outs per category and channel,
/// the same table `GET /v1/recipients/{key}/preferences` answers and the worker acts on.
struct PreferencesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preferences",
        abstract: "Show or set a recipient's preferences per category and channel.",
        discussion: """
            KEY is the recipient key: the CRM id (to.id), else the email address (lower-cased), else
            the phone number. Without a stored choice a recipient is opted in; required categories
            cannot be opted out of. An opted-out channel's deliveries end `skipped` with the reason.
            Examples:
              accolade preferences show crm-42
              accolade preferences set ana@example.com --category rewards --channel email --opt-out
            """,
        subcommands: [Show.self, SetCommand.self])

    /// `accolade preferences show`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show every configured category × channel and its state.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The recipient key (CRM id, email address or phone number).") var key: String
        @Option(name: .long, help: "Show category names in this locale.") var locale: String?

        func run() async throws {
            try await global.reporting {
                let recipientKey = try PreferencesCommand.normalise(key)
                let context = try await AppContext.open(global, channels: false)
                try await context.run {
                    let stored = try await context.store.preferences(recipientKey: recipientKey)
                    try PreferencesCommand.print(
                        key: recipientKey, stored: stored, config: context.config, locale: locale, json: global.json)
                }
            }
        }
    }

    /// `accolade preferences set`.
    struct SetCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set", abstract: "Opt a recipient in or out of a category on a channel.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The recipient key (CRM id, email address or phone number).") var key: String
        @Option(name: .long, help: "The category (see categories: in the configuration).") var category: String
        @Option(name: .long, help: "The channel (email, sms, whatsapp, inbox, qr).") var channel: String
        @Flag(name: .customLong("opt-in"), help: "Opt in.") var optIn = false
        @Flag(name: .customLong("opt-out"), help: "Opt out.") var optOut = false

        func validate() throws {
            guard optIn != optOut else { throw ArgumentParser.ValidationError("give exactly one of --opt-in and --opt-out") }
        }

        func run() async throws {
            try await global.reporting {
                let recipientKey = try PreferencesCommand.normalise(key)
                guard let kind = ChannelKind(rawValue: channel) else {
                    throw CommandFailure(message: "--channel must be one of \(ChannelKind.allCases.map(\.rawValue).joined(separator: ", "))", exitCode: 2)
                }
                let context = try await AppContext.open(global, channels: false)
                let change = PreferenceChange(category: category, channel: kind, optedIn: optIn)
                do {
                    try PreferenceChange.validate(
                        [change], categories: context.config.categories, channels: context.config.channels.kindsInOrder
                    ) { _ in "--" }
                } catch {
                    throw CommandFailure(message: (error as? AccoladeCore.ValidationError)?.reason ?? "\(error)", exitCode: 2)
                }
                try await context.run {
                    let changed = try await context.store.setPreferences(
                        PreferenceChange.choices([change], recipientKey: recipientKey, source: .cli, at: context.clock.now()))
                    let stored = try await context.store.preferences(recipientKey: recipientKey)
                    if global.json {
                        try PreferencesCommand.print(key: recipientKey, stored: stored, config: context.config, locale: nil, json: true)
                    } else {
                        let state = optIn ? "opted in to" : "opted out of"
                        Swift.print(changed > 0 ? "\(recipientKey) \(state) \(category) on \(kind)" : "\(recipientKey) was already \(state) \(category) on \(kind)")
                    }
                }
            }
        }
    }

    static func normalise(_ key: String) throws -> String {
        do {
            return try PreferenceKey.normalise(key, field: "KEY")
        } catch {
            throw CommandFailure(message: "KEY \(error.reason)", exitCode: 2)
        }
    }

    static func print(key: String, stored: [Preference], config: AccoladeConfig, locale: String?, json: Bool) throws {
        let table = PreferenceTable(categories: config.categories, channels: config.channels.kindsInOrder, stored: stored, locale: locale)
        if json {
            let entries: [JSONValue] = table.entries.map(\.json)
            let object: JSONValue = .object(["recipient_key": .string(key), "preferences": .array(entries)])
            Swift.print(try object.jsonText())
        } else {
            let rows: [[String]] = table.entries.map(entryRow)
            Output.table(["CATEGORY", "CHANNEL", "STATE", "SET BY", "SINCE"], rows)
        }
    }

    static func entryRow(_ entry: PreferenceTable.Entry) -> [String] {
        let category = entry.required ? "\(entry.category) (required)" : entry.category
        let source = entry.choice?.source.rawValue ?? "default"
        let since = entry.choice.map { Output.iso($0.updatedAt) } ?? ""
        return [category, entry.channel.rawValue, entry.optedIn ? "in" : "out", source, since]
    }
}
