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
