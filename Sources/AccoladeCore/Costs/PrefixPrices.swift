/// Prices by destination: a `default` and any number of E.164 prefixes (`"+62"`, `"+6281"`); the
/// longest prefix matching the number wins, else the default, else no price.
public struct PrefixPrices: Sendable, Hashable {
    /// The price when no prefix matches, in micros; nil when not set.
    public var defaultPrice: Int64?
    /// Prices by prefix (with its `+`), in micros.
    public var byPrefix: [String: Int64]

    /// Creates a table.
    public init(defaultPrice: Int64? = nil, byPrefix: [String: Int64] = [:]) {
        self.defaultPrice = defaultPrice
        self.byPrefix = byPrefix
    }

    /// The price for an E.164 number (`+6281234567890`): longest matching prefix, else the
    /// default; nil when neither applies. A missing number gets the default.
    public func price(for number: String?) -> Int64? {
        guard let number, !byPrefix.isEmpty else { return defaultPrice }
        var best: (length: Int, price: Int64)?
        for (prefix, price) in byPrefix where number.hasPrefix(prefix) {
            if prefix.count > (best?.length ?? 0) { best = (prefix.count, price) }
        }
        return best?.price ?? defaultPrice
    }

    /// Reads `{ default: 0.0079, "+62": 0.0415 }`; every key is `default` or `+` and 1–7 digits
    /// (not starting with 0), every value a price (see ``CostsConfig``).
    init(_ node: ConfigNode) throws(ConfigError) {
        defaultPrice = nil
        byPrefix = [:]
        for key in node.keys.sorted() {
            let price = try CostsConfig.price(node, key: key)
            if key == "default" {
                defaultPrice = price
            } else {
                guard Self.isPrefix(key) else {
                    throw ConfigError(
                        path: node.path(of: key),
                        reason: "\"\(key.prefix(40))\" is not an E.164 prefix: write default or \"+\" and the country code with optional leading digits, e.g. \"+62\" or \"+6281\" (quoted in YAML)")
                }
                byPrefix[key] = price
            }
        }
        try node.rejectUnknownKeys()
    }

    /// `+` then 1–7 digits, the first not 0.
    static func isPrefix(_ key: String) -> Bool {
        let digits = key.utf8.dropFirst()
        return key.hasPrefix("+") && (1...7).contains(digits.count) && digits.first != UInt8(ascii: "0")
            && digits.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
