import Foundation
import Yams

/// A strict reader over a YAML mapping: typed getters that name the key path on error, `${NAME}`
/// environment substitution, and a check that every key present was understood.
///
/// Strictness is the point: a typo such as `concurency:` must fail at start-up, not be ignored.
public final class ConfigNode {
    private let mapping: [String: Yams.Node]
    private let path: String
    private let environment: [String: String]
    private var consumed: Set<String> = []

    /// Wraps a YAML node that must be a mapping.
    public init(_ node: Yams.Node?, path: String, environment: [String: String]) throws(ConfigError) {
        self.path = path
        self.environment = environment
        guard let node else {
            self.mapping = [:]
            return
        }
        guard let m = node.mapping else { throw ConfigError(path: path, reason: "expected a mapping of keys") }
        var out: [String: Yams.Node] = [:]
        for (k, v) in m {
            guard let key = k.string else { throw ConfigError(path: path, reason: "keys must be strings") }
            out[key] = v
        }
        self.mapping = out
    }

    func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// A nested mapping (empty when absent).
    public func child(_ key: String) throws(ConfigError) -> ConfigNode {
        consumed.insert(key)
        return try ConfigNode(mapping[key], path: keyPath(key), environment: environment)
    }

    /// A list of mappings (`- name: …` items), each strict with errors naming `key[i]`; empty when absent.
    public func children(_ key: String) throws(ConfigError) -> [ConfigNode] {
        consumed.insert(key)
        guard let node = mapping[key] else { return [] }
        guard let sequence = node.sequence else {
            throw ConfigError(path: keyPath(key), reason: "expected a list of mappings (lines starting with \"- \")")
        }
        var out: [ConfigNode] = []
        for (index, item) in sequence.enumerated() {
            out.append(try ConfigNode(item, path: "\(keyPath(key))[\(index)]", environment: environment))
        }
        return out
    }

    /// A nested mapping, or `nil` when absent.
    public func optionalChild(_ key: String) throws(ConfigError) -> ConfigNode? {
        consumed.insert(key)
        guard let n = mapping[key], n.mapping != nil || n.scalar?.string.isEmpty == false else {
            if let n = mapping[key], n.scalar != nil, n.scalar?.string != "" {
                throw ConfigError(path: keyPath(key), reason: "expected a mapping of keys")
            }
            return nil
        }
        return try ConfigNode(n, path: keyPath(key), environment: environment)
    }

    /// The keys present, in no particular order (for mappings keyed by name, such as `categories`).
    public var keys: [String] { Array(mapping.keys) }

    /// Whether `key` holds a mapping.
    public func isMapping(_ key: String) -> Bool { mapping[key]?.mapping != nil }

    /// Whether `key` holds a single value (a scalar) rather than a mapping or list.
    public func isScalar(_ key: String) -> Bool { mapping[key]?.scalar != nil }

    /// `true`/`false` (also `yes`/`no`, `on`/`off`), or `nil` when absent.
    public func bool(_ key: String) throws(ConfigError) -> Bool? {
        guard let s = try string(key) else { return nil }
        switch s.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw ConfigError(path: keyPath(key), reason: "expected true or false, got \"\(s)\"")
        }
    }

    /// A string after `${NAME}` substitution; `nil` when absent or empty after substitution.
    public func string(_ key: String) throws(ConfigError) -> String? {
        consumed.insert(key)
        guard let node = mapping[key] else { return nil }
        guard let scalar = node.scalar else {
            throw ConfigError(path: keyPath(key), reason: "expected a single value, found a list or mapping")
        }
        if scalar.string == "~" || scalar.string == "null" { return nil }
        let value = try substitute(scalar.string, at: keyPath(key))
        return value.isEmpty ? nil : value
    }

    /// The environment variables that the value of `key` reads (`${NAME}`, `${NAME:-…}`) and that
    /// are unset or empty, in order; empty when the key is absent or reads none. Lets a message
    /// about a missing credential name the variable to set rather than only the key.
    public func unsetVariables(_ key: String) -> [String] {
        guard let raw = mapping[key]?.scalar?.string else { return [] }
        var names: [String] = []
        var rest = Substring(raw)
        while let start = rest.range(of: "${"), let end = rest[start.upperBound...].firstIndex(of: "}") {
            let name = String(rest[start.upperBound..<end].prefix { $0 != ":" })
            if environment[name, default: ""].isEmpty, !names.contains(name) { names.append(name) }
            rest = rest[rest.index(after: end)...]
        }
        return names
    }

    /// The full key path of `key` under this node (`channels.sms.providers[0].auth_token`).
    public func path(of key: String) -> String { keyPath(key) }

    /// A required string.
    public func requiredString(_ key: String) throws(ConfigError) -> String {
        guard let v = try string(key) else { throw ConfigError(path: keyPath(key), reason: "is required") }
        return v
    }

    /// A list of strings (a single string is accepted as a one-element list).
    public func strings(_ key: String) throws(ConfigError) -> [String]? {
        consumed.insert(key)
        guard let node = mapping[key] else { return nil }
        if let seq = node.sequence {
            var out: [String] = []
            for (i, item) in seq.enumerated() {
                guard let s = item.scalar?.string else {
                    throw ConfigError(path: "\(keyPath(key))[\(i)]", reason: "expected a string")
                }
                let v = try substitute(s, at: "\(keyPath(key))[\(i)]")
                if !v.isEmpty { out.append(v) }
            }
            return out
        }
        return try string(key).map { [$0] }
    }

    /// An integer within `range`.
    public func int(_ key: String, in range: ClosedRange<Int>) throws(ConfigError) -> Int? {
        guard let s = try string(key) else { return nil }
        guard let i = Int(s) else { throw ConfigError(path: keyPath(key), reason: "expected a whole number, got \"\(s)\"") }
        guard range.contains(i) else {
            throw ConfigError(path: keyPath(key), reason: "must be between \(range.lowerBound) and \(range.upperBound), got \(i)")
        }
        return i
    }

    /// A duration such as `500ms`, `2s`, `5m`, `1h`, `1d` (a bare number means seconds), in seconds.
    public func duration(_ key: String) throws(ConfigError) -> TimeInterval? {
        guard let s = try string(key) else { return nil }
        guard let d = ConfigNode.parseDuration(s) else {
            throw ConfigError(path: keyPath(key), reason: "expected a duration like 500ms, 2s, 5m, 1h; got \"\(s)\"")
        }
        return d
    }

    /// One of a fixed set of words.
    public func choice<T: RawRepresentable & CaseIterable>(_ key: String, as: T.Type) throws(ConfigError) -> T?
    where T.RawValue == String {
        guard let s = try string(key) else { return nil }
        guard let v = T(rawValue: s) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: " | ")
            throw ConfigError(path: keyPath(key), reason: "must be one of \(allowed), got \"\(s)\"")
        }
        return v
    }

    /// Fails on any key that no getter asked for.
    public func rejectUnknownKeys() throws(ConfigError) {
        let unknown = Set(mapping.keys).subtracting(consumed).sorted()
        if let first = unknown.first {
            throw ConfigError(path: keyPath(first), reason: "unknown key (check the spelling; see config/accolade.yml for every key)")
        }
    }

    /// Replaces `${NAME}` and `${NAME:-default}` with the environment.
    private func substitute(_ raw: String, at path: String) throws(ConfigError) -> String {
        guard raw.contains("${") else { return raw }
        var out = ""
        var rest = Substring(raw)
        while let start = rest.range(of: "${") {
            out += rest[rest.startIndex..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                throw ConfigError(path: path, reason: "unterminated ${…} reference")
            }
            let expr = rest[start.upperBound..<end]
            let parts = expr.split(separator: ":-", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw ConfigError(path: path, reason: "bad environment variable name in ${\(expr)}")
            }
            out += environment[name] ?? (parts.count > 1 ? String(parts[1]) : "")
            rest = rest[rest.index(after: end)...]
        }
        out += rest
        return out
    }

    /// Parses `500ms`, `2s`, `1.5s`, `5m`, `1h`, `1d` or a bare number of seconds.
    public static func parseDuration(_ text: String) -> TimeInterval? {
        let s = text.trimmingCharacters(in: .whitespaces)
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        for (suffix, factor) in units where s.hasSuffix(suffix) {
            let number = s.dropLast(suffix.count)
            if let v = Double(number), v >= 0 { return v * factor }
        }
        if let v = Double(s), v >= 0 { return v }
        return nil
    }
}
