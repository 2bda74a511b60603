import Foundation
import Yams

/// The whole configuration, read from `config/accolade.yml` (or `--config PATH` / `ACCOLADE_CONFIG`).
///
/// Relative paths (store file, templates, workflows) are resolved against the current working directory, so
/// the shipped configuration works when Accolade is run from the repository root.
public struct AccoladeConfig: Sendable {
    /// Where messages and deliveries live.
    public var store: StoreConfig
    /// The templates folder.
    public var templatesDirectory: String
    /// `workflows`: the folder of workflow files (`*.yml`); default: `workflows/` beside the
    /// configuration file (`config/workflows` for the shipped `config/accolade.yml`).
    public var workflowsDirectory: String
    /// Whether `workflows` was left out: then a missing folder means no workflows, while a
    /// folder named in the file must exist.
    public var workflowsDirectoryIsDefault: Bool
    /// Configured channels; a channel that is absent cannot be routed to.
    public var channels: ChannelsConfig
    /// Worker tuning.
    public var worker: WorkerConfig
    /// The HTTP API (`accolade serve`).
    public var server: ServerConfig
    /// Provider callbacks (receipt housekeeping).
    public var webhooks: WebhooksConfig
    /// What bounces and complaints do to email addresses.
    public var bounces = BouncesConfig()
    /// `log_level`: `trace` … `critical`; default `info`. An unknown name stops start-up.
    public var logLevel: LogLevel
    /// `categories:` — the message categories (``CategoriesConfig``); `rewards` always exists.
    public var categories = CategoriesConfig()
    /// `default_timezone:` (IANA name) for recipients without `timezone`; default UTC.
    public var defaultTimeZone: TimeZone = .gmt
    /// Top-level `quiet_hours:`, the least specific level (category, then channel, then this).
    public var quietHours: QuietHoursSetting = .inherit
    /// Top-level `optimal:` — how `send_at: optimal` picks a time.
    public var optimal = OptimalSendConfig()
    /// `preferences:` — signing of unsubscribe and preferences links; nil: no links are made.
    public var preferences: PreferencesConfig?
    /// `costs:` — prices per channel and provider (``CostsConfig``); empty: nothing is priced.
    public var costs = CostsConfig()
    /// `reports:` — how reports group messages (``ReportsConfig``).
    public var reports = ReportsConfig()

    /// Loads and validates a configuration file.
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(ConfigError) -> AccoladeConfig
    {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(path: "", reason: "cannot read \(path): \(error.localizedDescription) (pass --config PATH or set ACCOLADE_CONFIG)")
        }
        var config = try parse(yaml: text, environment: environment)
        if config.workflowsDirectoryIsDefault {
            // Beside the file, not in the working directory: a configuration written elsewhere (a
            // container's mounted folder, a test's temporary one) does not pick up the
            // repository's workflows, whose channels it may not configure.
            let folder = (path as NSString).deletingLastPathComponent
            config.workflowsDirectory = folder.isEmpty ? "workflows" : folder + "/workflows"
        }
        return config
    }

    /// Parses and validates configuration text.
    public static func parse(yaml: String, environment: [String: String]) throws(ConfigError) -> AccoladeConfig {
        let node: Yams.Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch {
            throw ConfigError(path: "", reason: "not valid YAML: \(error)")
        }
        let root = try ConfigNode(node, path: "", environment: environment)
        let workflows = try root.string("workflows")
        var config = AccoladeConfig(
            store: try StoreConfig(root.child("store")),
            templatesDirectory: try root.string("templates") ?? "templates",
            workflowsDirectory: workflows ?? AccoladeConfig.defaultWorkflowsDirectory,
            workflowsDirectoryIsDefault: workflows == nil,
            channels: try ChannelsConfig(root.child("channels")),
            worker: try WorkerConfig(root.child("worker")),
            server: try ServerConfig(root.child("server")),
            webhooks: try WebhooksConfig(root.child("webhooks")),
            bounces: try BouncesConfig(root.child("bounces")),
            logLevel: try LogLevel.parse(root, key: "log_level") ?? .info)
        config.categories = try CategoriesConfig(root.child("categories"))
        config.defaultTimeZone = try parseTimeZone(root, key: "default_timezone") ?? .gmt
        config.quietHours = try QuietHoursSetting.parse(root, key: "quiet_hours")
        config.optimal = try OptimalSendConfig(root.child("optimal"))
        config.preferences = try PreferencesConfig.parse(root.child("preferences"))
        config.costs = try CostsConfig(root.child("costs"))
        try config.costs.checkProviders(config.channels.providerNames)
        config.reports = try ReportsConfig(root.child("reports"))
        try root.rejectUnknownKeys()
        return config
    }
}

extension AccoladeConfig {
    /// An IANA zone name (`Europe/Berlin`, `UTC`), or `nil` when absent.
    static func parseTimeZone(_ node: ConfigNode, key: String) throws(ConfigError) -> TimeZone? {
        guard let name = try node.string(key) else { return nil }
        guard LocaleTag.isKnownTimeZone(name), let zone = TimeZone(identifier: name) else {
            throw ConfigError(path: node.path(of: key), reason: "\"\(name)\" is not an IANA time zone like Europe/Berlin, Asia/Jakarta or UTC")
        }
        return zone
    }

    /// The workflows folder when `workflows` is not set and the text was not read from a file
    /// (``load(path:environment:)`` uses the `workflows` folder beside the file).
    public static let defaultWorkflowsDirectory = "config/workflows"
}

/// Which store backs the queue.
public enum StoreConfig: Sendable, Hashable, CustomStringConvertible {
    /// Embedded SQLite at this file path (one machine).
    case sqlite(path: String)
    /// PostgreSQL at this URL (`postgres://user:password@host:5432/db`), shared by many workers.
    case postgres(url: String)

    init(_ node: ConfigNode) throws(ConfigError) {
        let sqlite = try node.string("sqlite")
        let postgres = try node.string("postgres")
        try node.rejectUnknownKeys()
        switch (sqlite, postgres) {
        case (let path?, nil): self = .sqlite(path: path)
        case (nil, let url?):
            guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
                throw ConfigError(path: "store.postgres", reason: "must be a URL like postgres://accolade:${PGPASSWORD}@127.0.0.1:5432/accolade")
            }
            self = .postgres(url: url)
        case (nil, nil): self = .sqlite(path: "var/accolade.sqlite")
        case (_?, _?): throw ConfigError(path: "store", reason: "set either sqlite or postgres, not both")
        }
    }

    /// The store with any password in the URL masked.
    public var description: String {
        switch self {
        case .sqlite(let path): return "sqlite(\(path))"
        case .postgres(let url): return "postgres(\(StoreConfig.maskPassword(url)))"
        }
    }

    /// `postgres://user:••••@host/db` for logs and errors.
    public static func maskPassword(_ url: String) -> String {
        guard let scheme = url.range(of: "://"), let at = url[scheme.upperBound...].lastIndex(of: "@"),
            let colon = url[scheme.upperBound..<at].firstIndex(of: ":")
        else { return url }
        return String(url[..<url.index(after: colon)]) + "••••" + String(url[at...])
    }
}

/// `worker`.
public struct WorkerConfig: Sendable, Hashable {
    /// Deliveries in flight at once per worker process.
    public var concurrency: Int
    /// Deliveries claimed per store transaction.
    public var batchSize: Int
    /// How long a claim is held before another worker may rescue it, seconds. Live workers
    /// extend their leases every lease/3 (heartbeat), so this bounds how soon a killed worker's
    /// claims come back, not how long a delivery may take.
    public var lease: TimeInterval
    /// How often an idle worker looks for due work, seconds.
    public var pollInterval: TimeInterval
    /// How long in-flight deliveries may take to finish on SIGTERM/SIGINT, seconds.
    public var shutdownGrace: TimeInterval
    /// Retry policy.
    public var retry: RetryPolicy

    /// Creates worker settings.
    public init(
        concurrency: Int = 64, batchSize: Int = 256, lease: TimeInterval = 30, pollInterval: TimeInterval = 0.25,
        shutdownGrace: TimeInterval = 10, retry: RetryPolicy = RetryPolicy()
    ) {
        self.concurrency = concurrency
        self.batchSize = batchSize
        self.lease = lease
        self.pollInterval = pollInterval
        self.shutdownGrace = shutdownGrace
        self.retry = retry
    }

    init(_ node: ConfigNode) throws(ConfigError) {
        concurrency = try node.int("concurrency", in: 1...4096) ?? 64
        batchSize = try node.int("batch_size", in: 1...10_000) ?? 256
        lease = try node.duration("lease") ?? 30
        pollInterval = try node.duration("poll_interval") ?? 0.25
        shutdownGrace = try node.duration("shutdown_grace") ?? 10
        let r = try node.child("retry")
        retry = RetryPolicy(
            maxAttempts: try r.int("max_attempts", in: 1...100) ?? 8,
            baseDelay: try r.duration("base_delay") ?? 2,
            maxDelay: try r.duration("max_delay") ?? 3600)
        try r.rejectUnknownKeys()
        try node.rejectUnknownKeys()
        if lease < 1 {
            // Heartbeats every lease/3 need a few round trips of slack.
            throw ConfigError(path: "worker.lease", reason: "must be at least 1s")
        }
        if retry.maxDelay < retry.baseDelay {
            throw ConfigError(path: "worker.retry.max_delay", reason: "must not be shorter than base_delay")
        }
    }
}
