/// What one template part needs from the data, worked out once at load time.
///
/// Produced by ``TemplateScanner`` from the Mustache source; ``StrictChecker`` walks it against
/// each message's data before rendering, so a missing variable is reported with its file and
/// line instead of silently rendering as an empty string.
struct TemplateRequirements: Sendable {
    /// A variable or section tag as written in the template.
    struct Reference: Sendable, Hashable {
        /// The dotted name as written (`reward.code`, `.`).
        var path: String
        /// `path` split on dots; empty for `.`.
        var segments: [String]
        /// Whether the name started with a dot (`.name`): resolve in the current item only.
        var anchored: Bool
        /// Transforms to apply, outermost first (`date(x)` → `["date"]`).
        var transforms: [String]
        /// 1-based line of the tag.
        var line: Int
        /// Guarded by a section or inverted section of the same name: may be absent.
        var optional: Bool
    }

    /// One node of the tag tree.
    indirect enum Node: Sendable {
        /// `{{x}}` (or `{{{x}}}` / `{{&x}}` outside HTML).
        case variable(Reference)
        /// `{{#x}}…{{/x}}`, or `{{^x}}…{{/x}}` when `inverted`.
        case section(Reference, inverted: Bool, children: [Node])
    }

    /// Top-level nodes, deduplicated (the same tag twice at one level is checked once).
    var nodes: [Node]

    /// Transforms templates may use; the text ones are swift-mustache's own.
    static let dateTransforms: Set<String> = ["date", "datetime"]
    /// Text transforms (string → string).
    static let textTransforms: Set<String> = ["uppercased", "lowercased", "capitalized"]
}

extension TemplateRequirements.Node {
    /// Merges repeated tags at one level: same variable once, same section's children combined.
    static func deduplicated(_ nodes: [Self]) -> [Self] {
        var result: [Self] = []
        var seenVariables: Set<VariableKey> = []
        var sectionIndex: [SectionKey: Int] = [:]
        for node in nodes {
            switch node {
            case .variable(let ref):
                if seenVariables.insert(VariableKey(ref)).inserted { result.append(node) }
            case .section(let ref, let inverted, let children):
                let key = SectionKey(path: ref.path, anchored: ref.anchored, inverted: inverted)
                if let index = sectionIndex[key], case .section(let first, _, let earlier) = result[index] {
                    result[index] = .section(first, inverted: inverted, children: deduplicated(earlier + children))
                } else {
                    sectionIndex[key] = result.count
                    result.append(.section(ref, inverted: inverted, children: deduplicated(children)))
                }
            }
        }
        return result
    }

    private struct VariableKey: Hashable {
        var path: String
        var anchored: Bool
        var transforms: [String]
        var optional: Bool
        init(_ ref: TemplateRequirements.Reference) {
            path = ref.path
            anchored = ref.anchored
            transforms = ref.transforms
            optional = ref.optional
        }
    }

    private struct SectionKey: Hashable {
        var path: String
        var anchored: Bool
        var inverted: Bool
    }
}
