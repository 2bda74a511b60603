import Yams

/// A template's `manifest.yml`, validated.
///
/// ```yaml
/// description: A person earned a reward (voucher, points or cash) with a redemption code.
/// channels: [email, sms]          # optional; must match the part files present
/// category: rewards               # optional; must be declared under categories: in the configuration
/// variables:
///   required: [reward.title, reward.code, reward.value, reward.expires_on]
///   optional: [note, manager.name]
///   secret: [reward.code]         # masked as •••• in previews and logs
///   lists: [events]               # arrays: inside {{#events}}…{{/events}} tags name item fields
/// whatsapp:                       # the approved WhatsApp template (see WhatsAppTemplateMapping)
///   name: reward_earned
///   language: { default: en_US, id: id }
///   body: [recipient.name, reward.code]
/// ```
/// Unknown keys are errors that name the key path (`variables.requird`), so a typo never
/// silently drops a rule.
public struct TemplateManifest: Sendable, Hashable {
    /// One line saying what the template is for.
    public var description: String
    /// The channels listed in the manifest, or `nil` when left to the files present.
    public var channels: [ChannelKind]?
    /// Dotted paths that must be present (non-null) in every message's data.
    public var requiredVariables: [String]
    /// Dotted paths a message may carry (documentation for authors and previews).
    public var optionalVariables: [String]
    /// Dotted paths whose values are masked (`••••`) wherever data is shown.
    public var secretVariables: [String]
    /// The raw `whatsapp:` mapping, as written.
    public var whatsapp: JSONValue?
    /// The `whatsapp:` mapping, validated: approved template name, language codes and parameters.
    public var whatsappMapping: WhatsAppTemplateMapping?
    /// Dotted paths holding lists (`events`, what a workflow's digest hands its template): inside
    /// `{{#events}}…{{/events}}` tags name each item's fields.
    public var listVariables: [String] = []
    /// `category:` — the category of messages sent with this template when neither the request
    /// nor a workflow names one (checked against the configuration when templates are loaded).
    public var category: String?
    /// `reward_value:` — the data paths that may hold the reward's value, first present wins: a
    /// money object (`{amount, currency}`) or a number of points (reported as `PTS`). Recorded
    /// per message at accept for reports; empty when the template issues no value.
    public var rewardValuePaths: [String] = []
    /// Line of each `required` entry, for error messages.
    var requiredLines: [String: Int] = [:]

    /// The mask shown instead of a secret value.
    public static let mask = "••••"

    /// Parses and validates a manifest; `template` names it in errors.
    static func parse(_ yaml: String, template: String) throws(TemplateError) -> TemplateManifest {
        func fail(_ message: String, _ line: Int? = nil) -> TemplateError {
            TemplateError(.invalidFile(message), template: template, file: "manifest.yml", line: line)
        }
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else { throw fail("the manifest is empty — add at least `description:`") }
            root = node
        } catch let error as TemplateError {
            throw error
        } catch {
            throw fail("not valid YAML (\(error)) — fix the syntax")
        }
        guard let mapping = root.mapping else { throw fail("the manifest must be a mapping of keys — see the TemplateManifest docs") }

        var manifest = TemplateManifest(
            description: "", channels: nil, requiredVariables: [], optionalVariables: [], secretVariables: [],
            whatsapp: nil)
        var sawDescription = false
        var rewardLines: [Int?] = []
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            switch key {
            case "description":
                guard let text = value.string, !text.isEmpty else { throw fail("description must be a non-empty string", value.mark?.line) }
                manifest.description = text
                sawDescription = true
            case "channels":
                let names = try stringList(value, path: "channels", fail: fail)
                var channels: [ChannelKind] = []
                for (name, line) in names {
                    guard let channel = ChannelKind(rawValue: name) else {
                        let known = ChannelKind.allCases.map(\.rawValue).joined(separator: ", ")
                        throw fail("unknown channel \"\(name)\" in channels — use \(known)", line)
                    }
                    channels.append(channel)
                }
                manifest.channels = channels
            case "variables":
                guard let variables = value.mapping else { throw fail("variables must be a mapping with required/optional/secret/lists lists", value.mark?.line) }
                for (subKeyNode, list) in variables {
                    let subKey = subKeyNode.string ?? ""
                    let entries = try stringList(list, path: "variables.\(subKey)", fail: fail)
                    switch subKey {
                    case "required":
                        manifest.requiredVariables = entries.map(\.0)
                        for (name, line) in entries { manifest.requiredLines[name] = line }
                    case "optional": manifest.optionalVariables = entries.map(\.0)
                    case "secret": manifest.secretVariables = entries.map(\.0)
                    case "lists": manifest.listVariables = entries.map(\.0)
                    default:
                        throw fail("unknown key \"variables.\(subKey)\" — use required, optional, secret or lists", subKeyNode.mark?.line)
                    }
                }
            case "category":
                guard let text = value.string, value.scalar != nil else { throw fail("category must be a name like rewards", value.mark?.line) }
                if let problem = MessageCategory.nameProblem(text) { throw fail("category: \(problem)", value.mark?.line) }
                manifest.category = text
            case "reward_value":
                let entries = value.sequence != nil ? try stringList(value, path: "reward_value", fail: fail) : value.scalar.map { [($0.string, value.mark?.line)] } ?? []
                guard !entries.isEmpty else { throw fail("reward_value must be a data path like reward.voucher, or a list of them", value.mark?.line) }
                manifest.rewardValuePaths = entries.map(\.0)
                rewardLines = entries.map(\.1)
            case "whatsapp":
                manifest.whatsappMapping = try WhatsAppTemplateMapping.parse(value, fail: fail)
                manifest.whatsapp = Self.json(value)
            default:
                throw fail("unknown key \"\(key)\" — use description, channels, category, variables, reward_value or whatsapp", keyNode.mark?.line)
            }
        }
        guard sawDescription else { throw fail("missing `description:` — say in one line what the template is for") }
        let declared = Set(manifest.requiredVariables + manifest.optionalVariables)
        for (path, line) in zip(manifest.rewardValuePaths, rewardLines) where !declared.contains(path) {
            throw fail("reward_value names \"\(path)\", which is not among variables.required or variables.optional — declare it there", line)
        }
        return manifest
    }

    private static func stringList(
        _ node: Node, path: String, fail: (String, Int?) -> TemplateError
    ) throws(TemplateError) -> [(String, Int?)] {
        guard let sequence = node.sequence else { throw fail("\(path) must be a list, e.g. [a, b.c]", node.mark?.line) }
        var result: [(String, Int?)] = []
        for item in sequence {
            guard let text = item.string, !text.isEmpty, item.scalar != nil else {
                throw fail("\(path) entries must be plain names", item.mark?.line)
            }
            result.append((text, item.mark?.line))
        }
        return result
    }

    /// Converts a YAML node to JSON (scalars resolved by their YAML tags).
    static func json(_ node: Node) -> JSONValue {
        if let mapping = node.mapping {
            var object: [String: JSONValue] = [:]
            for (key, value) in mapping { object[key.string ?? ""] = json(value) }
            return .object(object)
        }
        if let sequence = node.sequence { return .array(sequence.map(json)) }
        if node.null != nil { return .null }
        if let bool = node.bool { return .bool(bool) }
        if let int = node.int { return .int(Int64(int)) }
        if let double = node.float { return .double(double) }
        return .string(node.string ?? "")
    }

    /// `data` with every secret variable's value replaced by ``mask`` (objects masked leaf by leaf).
    public func maskedData(_ data: JSONValue) -> JSONValue {
        var result = data
        for path in secretVariables {
            result = Self.masking(result, path: path.split(separator: ".")[...])
        }
        return result
    }

    private static func masking(_ value: JSONValue, path: ArraySlice<Substring>) -> JSONValue {
        guard let key = path.first else { return maskAll(value) }
        guard case .object(var object) = value, let child = object[String(key)] else { return value }
        object[String(key)] = masking(child, path: path.dropFirst())
        return .object(object)
    }

    private static func maskAll(_ value: JSONValue) -> JSONValue {
        switch value {
        case .null: return .null
        // A secret money value is one value: masked whole, it still shows as text.
        case .object(let object) where Money(object) != nil: return .string(mask)
        case .object(let object): return .object(object.mapValues(maskAll))
        case .array(let array): return .array(array.map(maskAll))
        default: return .string(mask)
        }
    }
}
