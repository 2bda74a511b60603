/// `log_level` (and `--log-level`): how much Accolade writes to stderr, from `trace` (everything)
/// to `critical` (only what stops a channel or the process). swift-log's levels, by name, so
/// Core needs no logging import; the CLI maps them one to one.
public enum LogLevel: String, Sendable, Hashable, CaseIterable {
    /// Everything, including each libcurl transfer.
    case trace
    /// Per-delivery detail.
    case debug
    /// Start-up, shutdown and per-batch summaries (the default).
    case info
    /// Failed attempts that will be retried.
    case notice
    /// Disabled providers, credentials sent in clear, degraded operation.
    case warning
    /// Failures that lose an operation but not the process.
    case error
    /// Paused channels and failures that stop the process.
    case critical

    /// Parses a level name, ignoring case (`INFO` is `info`); nil for anything else.
    public init?(name: String) {
        self.init(rawValue: name.lowercased())
    }

    /// The names, in order, as a configuration error or help text lists them.
    public static var names: String { allCases.map(\.rawValue).joined(separator: " | ") }
}

extension LogLevel {
    /// Reads `key` from `node`: nil when absent, a ``ConfigError`` naming the key when the value
    /// is not a level (a typo must not silently become `info`).
    static func parse(_ node: ConfigNode, key: String) throws(ConfigError) -> LogLevel? {
        guard let text = try node.string(key) else { return nil }
        guard let level = LogLevel(name: text) else {
            throw ConfigError(path: node.path(of: key), reason: "must be one of \(names), got \"\(text)\"")
        }
        return level
    }
}
