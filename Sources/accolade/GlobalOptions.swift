import AccoladeCore
import ArgumentParser
import Foundation
import Logging

/// Options every subcommand takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Configuration file (default: $ACCOLADE_CONFIG, else config/accolade.yml).")
    var config: String?

    @Flag(name: .long, help: "Print machine-readable JSON on stdout.")
    var json = false

    @Option(name: .long, help: "Log level on stderr: trace, debug, info, notice, warning, error, critical (overrides log_level).")
    var logLevel: LogLevel?

    /// The configuration path actually used.
    var configPath: String {
        config ?? ProcessInfo.processInfo.environment["ACCOLADE_CONFIG"] ?? "config/accolade.yml"
    }
}

extension GlobalOptions {
    /// Loads the configuration and sets up logging; a bad file fails naming the key path.
    func loadConfig(defaultLogLevel: LogLevel? = nil) throws -> (AccoladeConfig, Logger) {
        let config: AccoladeConfig
        do {
            config = try AccoladeConfig.load(path: configPath)
        } catch {
            throw CommandFailure(message: "\(error)")
        }
        return (config, LogSetup.bootstrapOnce(level: logLevel ?? defaultLogLevel ?? config.logLevel))
    }

    /// Loads the templates folder named by the configuration.
    func loadTemplates(_ config: AccoladeConfig) throws -> TemplateLibrary {
        let library: TemplateLibrary
        do {
            library = try TemplateLibrary(directory: config.templatesDirectory, preferenceLinks: config.preferenceLinks)
        } catch {
            throw CommandFailure(message: "templates (\(config.templatesDirectory)): \(error)")
        }
        // Like a configuration error: a manifest naming an undeclared category stops every
        // command that loads templates (`templates check`, `serve`, `worker`, `send` …).
        for name in library.names {
            if let category = library.category(of: name), let problem = config.categories.problem(with: category) {
                throw CommandFailure(message: "templates (\(config.templatesDirectory)): \(name)/manifest.yml: category: \(problem)")
            }
        }
        return library
    }
}

/// `--log-level` takes the names `log_level` does, in any case; anything else is a usage error
/// naming the option and listing the levels.
extension LogLevel: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
}
