import AccoladeCore

/// A problem with a workflow file, naming the file and the key path so it can be fixed:
/// `config/workflows/deal-closed.yml: steps[1].wait.within: expected a duration …`.
public struct WorkflowError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file, as the folder was given plus the file name.
    public var file: String
    /// The key path inside the file (`steps[0].if`); empty for the file as a whole.
    public var path: String
    /// What is wrong and what to do.
    public var reason: String

    /// Creates an error.
    public init(file: String, path: String, reason: String) {
        self.file = file
        self.path = path
        self.reason = reason
    }

    init(file: String, _ error: ConfigError) {
        self.init(file: file, path: error.path, reason: error.reason)
    }

    /// `file: path: reason`.
    public var description: String { path.isEmpty ? "\(file): \(reason)" : "\(file): \(path): \(reason)" }
}
