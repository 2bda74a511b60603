import AccoladeCore
import Foundation
import Yams

/// Reads one workflow file, strictly: unknown keys, wrong types, bad durations, times, paths
/// and conditions are errors naming the key path. Reads no other file and knows no template:
/// whether templates and channels exist is ``WorkflowCheck``'s business.
///
/// The file layout is documented in the README ("Workflows"); in short:
/// ```yaml
/// name: deal-closed-reward
/// on: deal.closed
/// category: rewards            # optional
/// steps:
///   - if: "data.reward.voucher.amount >= 100000"
///     send: { template: reward-voucher, channels: [whatsapp, email], mode: fallback }
///   - wait: { for: read, within: 24h }
///     else: { send: { template: reward-earned, channels: [sms] } }
/// ```
public enum WorkflowFileParser {
    /// At most this many steps per workflow.
    public static let maxSteps = WorkflowRun.maximumSteps
    /// The longest duration a step takes (`within`, `window`, `per`, `delay.for`, `offset`): a year.
    public static let maxDuration: TimeInterval = 366 * 86_400
    /// The longest name, event or category.
    static let maxNameLength = 100

    /// Parses the text of `file` (the path is only used in messages).
    public static func parse(yaml: String, file: String) throws(WorkflowError) -> WorkflowDefinition {
        let node: Yams.Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch {
            throw WorkflowError(file: file, path: "", reason: "not valid YAML: \(error)")
        }
        do throws(ConfigError) {
            // No environment: a workflow is the same wherever it runs.
            let root = try ConfigNode(node, path: "", environment: [:])
            let name = try identifier(root, "name", example: "deal-closed-reward")
            let event = try identifier(root, "on", example: "deal.closed")
            let category = try root.string("category").map { value throws(ConfigError) in
                try checkIdentifier(value, at: root.path(of: "category"), example: "rewards")
            }
            let rewardValuePaths = try rewardPaths(root)
            let stepNodes = try root.children("steps")
            try root.rejectUnknownKeys()
            guard !stepNodes.isEmpty else {
                throw ConfigError(path: "steps", reason: "is required: list at least one step (send, delay, wait, digest, throttle or remind)")
            }
            guard stepNodes.count <= maxSteps else {
                throw ConfigError(path: "steps", reason: "has \(stepNodes.count) steps; at most \(maxSteps) are allowed")
            }
            try rejectEmptyConditions(node)
            try rejectEnvironmentReferences(node, path: "")
            var steps: [WorkflowStep] = []
            for node in stepNodes { steps.append(try step(node)) }
            var definition = WorkflowDefinition(name: name, event: event, category: category, steps: steps, file: file)
            definition.rewardValuePaths = rewardValuePaths
            return definition
        } catch {
            throw WorkflowError(file: file, error)
        }
    }

    /// `reward_value:` one data path (`data.reward.voucher`) or a list of them; kept without the
    /// `data.` root, the form ``MessageValues`` reads.
    static func rewardPaths(_ root: ConfigNode) throws(ConfigError) -> [String] {
        guard let texts = try root.strings("reward_value") else { return [] }
        guard !texts.isEmpty else {
            throw ConfigError(path: root.path(of: "reward_value"), reason: "is empty; name a data path like data.reward.voucher or leave reward_value out")
        }
        var paths: [String] = []
        for (i, text) in texts.enumerated() {
            let valid = text.allSatisfy(ConditionLexer.isWordCharacter)
            guard valid, let path = try? ConditionParser.path(text, column: 1), path.root == .data else {
                let at = texts.count == 1 ? root.path(of: "reward_value") : "\(root.path(of: "reward_value"))[\(i)]"
                throw ConfigError(
                    path: at,
                    reason: "expected a data path like data.reward.voucher (a money object or a number of points), got \"\(text.prefix(40))\"")
            }
            paths.append(path.keys.joined(separator: "."))
        }
        return paths
    }

    /// Reads and parses one file.
    public static func load(file: String) throws(WorkflowError) -> WorkflowDefinition {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw WorkflowError(file: file, path: "", reason: "cannot read the file: \(error.localizedDescription)")
        }
        return try parse(yaml: text, file: file)
    }

    /// `if: ""` or `if: null` reads as absent through ``ConfigNode``, which would run the step
    /// unconditionally: more likely a condition lost in editing, so it is an error.
    static func rejectEmptyConditions(_ root: Yams.Node?) throws(ConfigError) {
        guard let items = root?.mapping?.first(where: { $0.key.string == "steps" })?.value.sequence else { return }
        for (index, item) in items.enumerated() {
            guard let value = item.mapping?.first(where: { $0.key.string == "if" })?.value.scalar?.string else { continue }
            if value.isEmpty || value == "~" || value == "null" {
                throw ConfigError(path: "steps[\(index)].if", reason: "is empty; write a condition or leave if out")
            }
        }
    }

    /// Workflow files are the same wherever they run, so they read no environment; ``ConfigNode``
    /// would silently turn `${NAME}` into an empty string here. Refused, naming the key.
    static func rejectEnvironmentReferences(_ node: Yams.Node?, path: String) throws(ConfigError) {
        guard let node else { return }
        if let scalar = node.scalar, scalar.string.contains("${") {
            throw ConfigError(path: path, reason: "workflow files do not read environment variables (${…}); write the value itself")
        }
        if let mapping = node.mapping {
            for (key, value) in mapping {
                let name = key.string ?? "?"
                try rejectEnvironmentReferences(value, path: path.isEmpty ? name : "\(path).\(name)")
            }
        }
        if let sequence = node.sequence {
            for (index, item) in sequence.enumerated() { try rejectEnvironmentReferences(item, path: "\(path)[\(index)]") }
        }
    }

    static func identifier(_ node: ConfigNode, _ key: String, example: String) throws(ConfigError) -> String {
        try checkIdentifier(try node.requiredString(key), at: node.path(of: key), example: example)
    }

    /// Names, events and categories: letters, digits, `.`, `_`, `-`, starting with a letter or digit.
    static func checkIdentifier(_ value: String, at path: String, example: String) throws(ConfigError) -> String {
        let bytes = Array(value.utf8)
        func allowed(_ b: UInt8) -> Bool {
            (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || (b >= 48 && b <= 57) || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
        }
        guard let first = bytes.first, allowed(first), first != UInt8(ascii: "."), first != UInt8(ascii: "_"), first != UInt8(ascii: "-"),
            bytes.allSatisfy(allowed), bytes.count <= maxNameLength
        else {
            throw ConfigError(
                path: path,
                reason: "\"\(value.prefix(40))\" is not a name like \(example): letters, digits, \".\", \"_\" and \"-\", starting with a letter or digit, at most \(maxNameLength) characters")
        }
        return value
    }
}
