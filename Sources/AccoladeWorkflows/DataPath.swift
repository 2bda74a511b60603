/// A dotted path into the event data or the recipient: `data.reward.expires_on` in step keys
/// (`before`, `until`, `key`), `data.…` or `recipient.…` in conditions.
public struct DataPath: Sendable, Hashable, CustomStringConvertible {
    /// Where the path starts.
    public enum Root: String, Sendable, Hashable {
        /// The event's data object.
        case data
        /// The recipient (`name`, `email`, `phone`, `whatsapp`, `locale`, `timezone`, `id`).
        case recipient
    }

    /// `data` or `recipient`.
    public var root: Root
    /// The keys below the root, never empty.
    public var keys: [String]

    /// Creates a path.
    public init(root: Root, keys: [String]) {
        self.root = root
        self.keys = keys
    }

    /// `data.reward.code`.
    public var description: String { ([root.rawValue] + keys).joined(separator: ".") }
}
