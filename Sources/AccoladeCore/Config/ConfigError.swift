/// A configuration problem found at start-up, naming the key path so it can be fixed.
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The key path, e.g. `channels.email.smtp.url`.
    public var path: String
    /// What is wrong and what to do. Never contains a secret value.
    public var reason: String

    /// Creates an error.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// `config: path: reason`.
    public var description: String { "configuration error at \(path.isEmpty ? "(top level)" : path): \(reason)" }
}
