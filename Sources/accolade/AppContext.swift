import AccoladeChannels
import AccoladeCore
import AccoladeCurl
import AccoladeRuntime
import AccoladeStores
import AccoladeWorkflows
import Foundation
import Logging
import ServiceLifecycle

/// The composition root: configuration, logging, store, templates and channels for one command.
struct AppContext {
    let config: AccoladeConfig
    let logger: Logger
    let store: any Store
    let templates: TemplateLibrary
    let channels: ChannelRegistry
    let driver: CurlMultiDriver?
    /// The checked workflows (empty unless opened with `workflows: true`).
    var workflows: [WorkflowDefinition] = []
    /// The system clock, or in end-to-end tests the one `ACCOLADE_TEST_CLOCK_FILE` moves (``OffsetFileClock``).
    let clock: any WallClock = OffsetFileClock.fromEnvironment()

    /// Loads configuration and opens what the command needs, failing with messages that name
    /// the configuration key or file to fix. With `workflows`, the workflows folder is checked
    /// too, before the store is opened (`serve`, `worker`).
    static func open(_ options: GlobalOptions, channels wantsChannels: Bool = true, workflows: Bool = false) async throws -> AppContext {
        let (config, logger) = try options.loadConfig()
        let templates = try options.loadTemplates(config)
        var definitions: [WorkflowDefinition] = []
        if workflows {
            // Like a configuration error: a wrong workflow stops start-up, naming file and key.
            definitions = try WorkflowsCommand.requireValid(config, templates: templates)
        }
        let store = try await openStore(config.store, logger: logger)
        var driver: CurlMultiDriver?
        var channels: [any Channel] = []
        if wantsChannels {
            // One transfer thread serves every libcurl channel; its pool is sized for the largest.
            let d = CurlMultiDriver(configuration: curlConfiguration(config.channels), logger: logger)
            driver = d
            // One QR drawing function for the QR channel, email's inline cid:qr@accolade image, WhatsApp's image header and inbox items.
            let qr = try qrArtifacts(config)
            let stored = qrSource(qr, store: store, templates: templates)
            channels += try emailChannels(
                config.channels, driver: d, qrSource: stored, suppressions: store, preferenceLinks: config.preferenceLinks, logger: logger)
            channels += try smsChannels(config, driver: d, suppressions: store, logger: logger)
            channels += qrChannels(qr, logger: logger)
            channels += try whatsappChannels(config, driver: d, store: store, qrSource: stored, logger: logger)
            channels += inboxChannels(config, artifacts: qr, logger: logger)
            // Once per process that would deliver: which provider is off and which variable to set.
            for entry in config.channels.disabledProviders {
                logger.warning("\(entry)", metadata: ["config.key": "\(entry.key)", "channel": "\(entry.channel)"])
            }
        }
        var disabled: [ChannelKind: String] = [:]
        for kind in ChannelKind.allCases { disabled[kind] = config.channels.disabledReason(kind) }
        return AppContext(
            config: config, logger: logger, store: store, templates: templates,
            channels: ChannelRegistry(channels, disabled: disabled), driver: driver, workflows: definitions)
    }

    /// Opens the configured store and applies pending migrations. A PostgreSQL store's pool is
    /// not running yet: it is one of ``storeServices``.
    static func openStore(_ config: StoreConfig, logger: Logger) async throws -> any Store {
        switch config {
        case .sqlite(let path):
            let store = try SQLiteStore(path: path, logger: logger)
            try await store.migrate()
            return store
        case .postgres(let url):
            do {
                return try await PostgresStore.open(url: url, logger: logger)
            } catch {
                throw CommandFailure(message: "store.postgres: \(error)")
            }
        }
    }

    /// Worker settings from the `worker` section (or `worker` given), with the receipt
    /// housekeeping from `webhooks`.
    func workerSettings(_ worker: WorkerConfig? = nil, drain: Bool) -> WorkerSettings {
        var settings = WorkerSettings(config: worker ?? config.worker, drain: drain)
        settings.unmatchedReceiptTTL = config.webhooks.unmatchedReceiptTTL
        return settings
    }

    func dispatcher() -> Dispatcher {
        var dispatcher = Dispatcher(
            store: store, renderer: templates, channels: channels, clock: clock, logger: logger, categories: config.categories,
            programmePath: config.reports.programmePath)
        dispatcher.timing = SendTiming(config: config)
        dispatcher.optimalPicker = OptimalSendPicker(config: config.optimal)
        return dispatcher
    }

    /// Starts runs of the loaded workflows from events; `wakes` tells this process's run worker.
    func eventDispatcher(wakes: RunWakes? = nil) -> EventDispatcher {
        EventDispatcher(dispatcher: dispatcher(), store: store, workflows: workflows, wakes: wakes, logger: logger)
    }

    /// The run worker of `serve` and `worker`: the delivery worker's owner name and lease.
    func runWorker(settings worker: WorkerSettings, wakes: RunWakes?) -> RunWorker {
        RunWorker(
            store: store, dispatcher: dispatcher(), runner: WorkflowRunner(workflows: workflows, defaultTimeZone: config.defaultTimeZone),
            settings: .init(owner: worker.owner, lease: worker.lease, pollInterval: worker.pollInterval), wakes: wakes,
            clock: clock, logger: logger)
    }

    /// What must run while the store is used (a PostgreSQL store's connection pool), to be
    /// listed first in a command's `ServiceGroup` so a graceful shutdown stops it last.
    var storeServices: [any Service] {
        (store as? PostgresStore).map { [$0] } ?? []
    }

    /// Stops the transfer thread.
    func close() async {
        await driver?.shutdown()
    }

    /// Runs `body`, then closes, whether or not it threw. For commands that run ``storeServices``
    /// in their own `ServiceGroup` (`serve`, `worker`).
    func closing(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            await close()
            throw error
        }
        await close()
    }

    /// Runs `body` while ``storeServices`` run, then stops them and closes: for commands that do
    /// one job and exit.
    func run<Result: Sendable>(_ body: () async throws -> Result) async throws -> Result {
        let result: Result
        do {
            result = try await ServiceScope.run(storeServices, logger: logger, body)
        } catch {
            await close()
            throw error
        }
        await close()
        return result
    }
}

/// Process-wide logging set-up.
enum LogSetup {
    nonisolated(unsafe) private static var bootstrapped = false

    /// Sends logs to stderr at the given level (once per process; commands run on one thread at start-up).
    static func bootstrapOnce(level: LogLevel) -> Logger {
        let parsed = Logger.Level(level)
        if !bootstrapped {
            bootstrapped = true
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = parsed
                return handler
            }
        }
        var logger = Logger(label: "accolade")
        logger.logLevel = parsed
        return logger
    }
}

extension Logger.Level {
    /// swift-log's level of the same name.
    init(_ level: LogLevel) {
        switch level {
        case .trace: self = .trace
        case .debug: self = .debug
        case .info: self = .info
        case .notice: self = .notice
        case .warning: self = .warning
        case .error: self = .error
        case .critical: self = .critical
        }
    }
}
