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

    /// The declared names, sorted (for error messages).
    public var names: [String] { categories.keys.sorted() }

    /// Why `name` cannot be used, or `nil` when it is declared: a message saying what to do.
    public func problem(with name: String) -> String? {
        guard categories[name] == nil else { return nil }
        return "unknown category \"\(name.prefix(100))\"; declare it under categories: in the configuration (known: \(names.joined(separator: ", ")))"
    }
}

/// One entry of `categories:`.
public struct MessageCategory: Sendable, Hashable {
    /// The name messages carry (`rewards`, `security`): lower-case letters, digits, `-`, `_`, `.`.
    public var name: String
    /// Display names per locale (`en`, `id-ID`), for preference pages; may be empty.
    public var displayNames: [String: String]
    /// Transactional: people cannot opt out of it.
    public var required: Bool
    /// This category's quiet hours; overrides the channel's and the global ones.
    public var quietHours: QuietHoursSetting
    /// When messages of this category may be delivered, or `nil` for any time.
    public var sendWindow: SendWindow?

    /// Creates a category (not required, no names, no timing of its own).
    public init(
        name: String, displayNames: [String: String] = [:], required: Bool = false, quietHours: QuietHoursSetting = .inherit,
        sendWindow: SendWindow? = nil
    ) {
        self.name = name
        self.displayNames = displayNames
        self.required = required
        self.quietHours = quietHours
        self.sendWindow = sendWindow
    }

    init(name: String, node: ConfigNode) throws(ConfigError) {
        var names: [String: String] = [:]
        if let namesNode = try node.optionalChild("names") {
            for locale in namesNode.keys.sorted() {
                let at = namesNode.path(of: locale)
                do throws(ValidationError) {
                    try LocaleTag.validate(locale, field: at)
                } catch {
                    throw ConfigError(path: at, reason: "not a locale tag like en or id-ID")
                }
                guard let text = try namesNode.string(locale) else { throw ConfigError(path: at, reason: "must be a non-empty display name") }
                names[locale] = text
            }
            try namesNode.rejectUnknownKeys()
        }
        let required = try node.bool("required") ?? false
        let quiet = try QuietHoursSetting.parse(node, key: "quiet_hours")
        let window = try node.optionalChild("send_window").map { n throws(ConfigError) in try SendWindow(n) }
        try node.rejectUnknownKeys()
        self.init(name: name, displayNames: names, required: required, quietHours: quiet, sendWindow: window)
    }

    /// Checks a category name: 1–100 characters of `a-z 0-9 - _ .`, starting with a letter.
    static func checkName(_ name: String, at path: String) throws(ConfigError) {
        if let problem = nameProblem(name) { throw ConfigError(path: path, reason: problem) }
    }

    /// Why `name` is not a valid category name, or `nil`.
    public static func nameProblem(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        let valid =
            (1...100).contains(bytes.count) && (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[0])
            && bytes.allSatisfy { b in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b)
                    || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: ".")
            }
        return valid ? nil : "a category name is 1–100 lower-case letters, digits, -, _ or ., starting with a letter (e.g. rewards)"
    }
}
