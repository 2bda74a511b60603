/// A compiled template part: text and tags as a tree, worked out once at load time.
///
/// Produced by ``TemplateScanner``; ``TemplateRenderer`` executes it against each message's
/// data, failing with the tag's line when a variable is missing instead of rendering an empty
/// string.
struct TemplateRequirements: Sendable {
    /// A variable or section tag as written in the template (a class: rendering passes it
    /// around per tag, and one retain beats copying its strings).
    final class Reference: Sendable {
        /// The dotted name as written (`reward.code`, `.`).
        let path: String
        /// `path` split on dots; empty for `.`.
        let segments: [String]
        /// Whether the name started with a dot (`.name`): resolve in the current item only.
        let anchored: Bool
        /// Transforms to apply, outermost first (`date(x)` → `["date"]`).
        let transforms: [String]
        /// 1-based line of the tag.
        let line: Int
        /// Guarded by a section or inverted section of the same name: may be absent.
        let optional: Bool
        /// HTML-escape the value (`{{x}}` in an HTML part).
        let escaped: Bool

        init(path: String, segments: [String], anchored: Bool, transforms: [String], line: Int, optional: Bool, escaped: Bool) {
            self.path = path
            self.segments = segments
            self.anchored = anchored
            self.transforms = transforms
            self.line = line
            self.optional = optional
            self.escaped = escaped
        }

        /// A copy that HTML-escapes its value.
        func escaping(_ escaped: Bool) -> Reference {
            Reference(path: path, segments: segments, anchored: anchored, transforms: transforms, line: line, optional: optional, escaped: escaped)
        }
    }

    /// One node of the tree.
    indirect enum Node: Sendable {
        /// Literal text.
        case text(String)
        /// `{{x}}` (or `{{{x}}}` / `{{&x}}` outside HTML).
        case variable(Reference)
        /// `{{#x}}…{{/x}}`, or `{{^x}}…{{/x}}` when `inverted`.
        case section(Reference, inverted: Bool, children: [Node])
    }

    /// Top-level nodes.
    var nodes: [Node]
    /// Bytes of literal text in the tree plus room for values: what a render reserves, so a
    /// large HTML part is not copied while it grows.
    let capacityHint: Int

    init(nodes: [Node]) {
        self.nodes = nodes
        func textBytes(_ nodes: [Node]) -> Int {
            nodes.reduce(0) { total, node in
                switch node {
                case .text(let text): return total + text.utf8.count
                case .variable: return total + 32
                case .section(_, _, let children): return total + textBytes(children)
                }
            }
        }
        capacityHint = textBytes(nodes) + 256
    }

    /// Date transforms (ISO-8601 string → localised date).
    static let dateTransforms: Set<String> = ["date", "datetime"]
    /// Text transforms (string → string), named as in swift-mustache.
    static let textTransforms: Set<String> = ["uppercased", "lowercased", "capitalized"]
}
