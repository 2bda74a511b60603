/// A compiled template part: text and tags as a tree, worked out once at load time.
///
/// Produced by ``TemplateScanner``; ``TemplateRenderer`` executes it against each message's
/// data, failing with the tag's line when a variable is missing instead of rendering an empty
/// string.
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
        /// HTML-escape the value (`{{x}}` in an HTML part).
        var escaped: Bool
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

    /// Date transforms (ISO-8601 string → localised date).
    static let dateTransforms: Set<String> = ["date", "datetime"]
    /// Text transforms (string → string), named as in swift-mustache.
    static let textTransforms: Set<String> = ["uppercased", "lowercased", "capitalized"]
}
