import AccoladeCore
import ArgumentParser
import Foundation

/// `accolade report [show]` and `accolade report rebuild`: usage, spend, delivery quality,
/// redemption and ROI from the rollups.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Report messages, deliveries, cost, reward value, redemptions and ROI per period and dimension.",
        subcommands: [Show.self, Rebuild.self], defaultSubcommand: Show.self)

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a report (the default subcommand).",
            discussion: """
                Times are cut to quarter-hours; a date as --until includes that whole day. Everything counts in the \
                period its message was accepted in. Money is per currency, never added across currencies.

                Examples:
                  accolade report --since 2026-11-01 --until 2026-11-30 --by programme,channel
                  accolade report --by week,provider --tz Asia/Jakarta --format csv
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "First day (2026-11-01, in --tz) or instant (RFC 3339); default 30 days before today.") var since: String?
        @Option(help: "Last day included (2026-11-30) or instant excluded; default now.") var until: String?
        @Option(help: "Comma-separated: one of day, week, month and any of channel, provider, template, workflow, category, programme, locale, country.")
        var by: String?
        @Option(help: "IANA zone days, ISO weeks and months are read in (default UTC).") var tz: String?
        @Option(help: "table, csv or json (--json also gives json).") var format: String?

        func run() async throws {
            try await global.reporting {
                let chosen = global.json ? "json" : (format ?? "table")
                guard ["table", "csv", "json"].contains(chosen) else { throw CommandFailure(message: "--format: one of table, csv, json", exitCode: 2) }
                let context = try await AppContext.open(global, channels: false)
                try await context.run {
                    let query: ReportQuery
                    switch ReportQuery.parse(since: since, until: until, by: by, tz: tz, now: context.clock.now()) {
                    case .success(let q): query = q
                    case .failure(let e): throw CommandFailure(message: "--\(e.field): \(e.reason)", exitCode: 2)
                    }
                    let started = ContinuousClock.now
                    let report = try await Report.make(query, store: context.store)
                    // What scripts/bench-reports.sh reads (--log-level debug): the report without the process start.
                    let elapsed = ContinuousClock.now - started
                    context.logger.debug(
                        "report computed",
                        metadata: ["report.ms": "\(Double(elapsed.components.attoseconds / 1_000_000_000_000) / 1000 + Double(elapsed.components.seconds) * 1000)", "report.rows": "\(report.rows.count)"])
                    switch chosen {
                    case "json": Output.printJSON(report.json)
                    case "csv": print(report.csv, terminator: "")
                    default: print(report.table, terminator: "")
                    }
                }
            }
        }
    }

    struct Rebuild: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the report rollups from the delivery log (after a restore, or to check them).",
            discussion: "Example:\n  accolade report rebuild")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await global.reporting {
                let context = try await AppContext.open(global, channels: false)
                try await context.run {
                    let started = Date()
                    try await context.store.rebuildReportRollups()
                    let seconds = Date().timeIntervalSince(started)
                    if global.json {
                        Output.printJSON(JSONValue.object(["rebuilt": .bool(true), "seconds": .double((seconds * 1000).rounded() / 1000)]))
                    } else {
                        print(String(format: "rebuilt the report rollups in %.3f s", seconds))
                    }
                }
            }
        }
    }
}
