import AccoladeCore
import AccoladeRuntime
import AccoladeStores
import ArgumentParser
import Foundation

/// `accolade store …`: maintenance of the store itself.
struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Maintain the store: move an embedded SQLite queue into PostgreSQL.",
        subcommands: [MigrateFromSQLite.self])
}

extension StoreCommand {
    /// `accolade store migrate-from-sqlite FILE`: copy a SQLite queue and log into the configured PostgreSQL store.
    struct MigrateFromSQLite: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "migrate-from-sqlite",
            abstract: "Copy every message, delivery, attempt and receipt of a SQLite store into the configured PostgreSQL store.",
            discussion: """
                Stop every worker that uses the SQLite file first: the copy refuses while deliveries are
                running under live leases (--force copies them as running; their leases then expire and any
                PostgreSQL worker rescues them). Rows go in batches, one transaction each, and rows already
                in PostgreSQL are skipped after checking they are the same rows, so an interrupted copy is
                simply run again. Counts are checked at the end. The SQLite file is only read.
                Example:
                  ACCOLADE_CONFIG=config/postgres.yml accolade store migrate-from-sqlite var/accolade.sqlite
                """)

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The SQLite store file to copy from (e.g. var/accolade.sqlite).")
        var file: String

        @Flag(name: .long, help: "Copy even while deliveries are running under live leases.")
        var force = false

        @Option(name: .long, help: "Rows per PostgreSQL transaction.")
        var batchSize = 1000

        func run() async throws {
            try await global.reporting {
                let (config, logger) = try global.loadConfig()
                guard case .postgres(let url) = config.store else {
                    throw CommandFailure(
                        message: "the configured store is \(config.store); set store.postgres to the database to copy into",
                        exitCode: 2)
                }
                guard batchSize > 0 else { throw CommandFailure(message: "--batch-size must be positive", exitCode: 2) }
                guard FileManager.default.fileExists(atPath: file) else {
                    throw CommandFailure(message: "no SQLite store at \(file)", exitCode: 4)
                }
                let source = try await SQLiteStore.open(path: file, logger: logger)
                let target: PostgresStore
                do {
                    target = try await PostgresStore.open(url: url, logger: logger, maximumConnections: 2)
                } catch {
                    throw CommandFailure(message: "store.postgres: \(error)")
                }
                let copier = SQLiteToPostgresCopier(source: source, target: target, batchSize: batchSize, logger: logger)
                let showProgress = !global.json && isatty(STDERR_FILENO) == 1
                let reports: [CopyTableReport]
                do {
                    reports = try await ServiceScope.run([target], logger: logger) {
                        try await copier.copy(force: force) { p in
                            if showProgress {
                                FileHandle.standardError.write(Data("\r\u{1B}[K\(p.table): \(p.done)/\(p.total)".utf8))
                            }
                        }
                    }
                    if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
                } catch {
                    try? source.close()
                    throw error
                }
                try? source.close()
                if global.json {
                    Output.printJSON(reports)
                } else {
                    print(Self.table(reports, target: config.store.description))
                }
            }
        }

        /// The per-table counts as aligned text.
        static func table(_ reports: [CopyTableReport], target: String) -> String {
            var lines = ["copied into \(target):", "table       sqlite   copied  present  postgres"]
            for r in reports {
                lines.append(
                    r.table.padding(toLength: 10, withPad: " ", startingAt: 0)
                        + [r.source, r.copied, r.alreadyPresent, r.target].map { " " + String($0).leftPadded(to: 8) }.joined())
            }
            lines.append("verified: every SQLite row is in PostgreSQL")
            return lines.joined(separator: "\n")
        }
    }
}
