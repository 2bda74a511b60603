import AccoladeCore
import ArgumentParser
import Foundation

/// Options every subcommand takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Configuration file (default: $ACCOLADE_CONFIG, else config/accolade.yml).")
    var config: String?

    @Flag(name: .long, help: "Print machine-readable JSON on stdout.")
    var json = false

    @Option(name: .long, help: "Log level on stderr: trace, debug, info, notice, warning, error, critical (overrides log_level).")
    var logLevel: String?

    /// The configuration path actually used.
    var configPath: String {
        config ?? ProcessInfo.processInfo.environment["ACCOLADE_CONFIG"] ?? "config/accolade.yml"
    }
}
