import AccoladeCore
import ArgumentParser
import Foundation

/// `accolade migrate`: apply the store's schema migrations (also done at every start-up).
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending schema migrations to the configured store (idempotent; every command also does it at start-up).",
        discussion: "Example: ACCOLADE_CONFIG=config/postgres.yml accolade migrate")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await global.reporting {
            let context = try await AppContext.open(global, channels: false)
            try await context.run {
                if global.json {
                    Output.printJSON(["store": context.config.store.description, "status": "migrated"])
                } else {
                    print("\(context.config.store): schema is up to date")
                }
            }
        }
    }
}
