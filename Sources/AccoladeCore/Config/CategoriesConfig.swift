/// `categories:` — what kinds of message exist, for preferences, reports and send timing.
///
/// ```yaml
/// categories:
///   rewards:                       # the default; exists even when not listed
///     names: { en: Rewards, id: Hadiah }
///   security:
///     names: { en: Account security }
///     required: true               # transactional: cannot be opted out of
///     quiet_hours: off             # sent at any hour, whatever the channel or global setting says
///   recognition:
///     quiet_hours: { start: "20:00", end: "09:00" }
///     send_window: { days: [mon, tue, wed, thu, fri], from: "09:00", until: "18:00" }
/// ```
/// Every message has exactly one category (request, else workflow, else template manifest,
/// else `rewards`); a name not listed here (other than `rewards`) is refused where it appears.
public struct CategoriesConfig: Sendable, Hashable {
    /// Every category by name, `rewards` always among them.
    public var categories: [String: MessageCategory]

    /// The category of a message whose request, workflow and template name none.
    public static let defaultName = "rewards"

    /// A configuration with only the default category.
    public init(categories: [MessageCategory] = []) {
        var all = [Self.defaultName: MessageCategory(name: Self.defaultName)]
        for category in categories { all[category.name] = category }
        self.categories = all
    }

    init(_ node: ConfigNode) throws(ConfigError) {
        var list: [MessageCategory] = []
        for name in node.keys.sorted() {
            try MessageCategory.checkName(name, at: node.path(of: name))
            list.append(try MessageCategory(name: name, node: node.child(name)))
        }
        try node.rejectUnknownKeys()
        self.init(categories: list)
    }

    /// The category named `name`, or `nil` when it is not declared.
    public subscript(name: String) -> MessageCategory? { categories[name] }

    /// The `required` categories' names: their messages ignore stored opt-outs.
    public var requiredNames: Set<String> { Set(categories.values.filter(\.required).map(\.name)) }

    /// The declared names, sorted (for error messages).
    public var names: [String] { categories.keys.sorted() }

    /// Why `name` cannot be used, or `nil` when it is declared: a message saying what to do.
    public func problem(with name: String) -> String? {
        guard categories[name] == nil else { return nil }
        return "unknown category \"\(name.prefix(100))\"; declare it under categories: in the configuration (known: \(names.joined(separator: ", ")))"
    }
}
