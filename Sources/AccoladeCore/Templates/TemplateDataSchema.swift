/// What a template's message `data` must look like, worked out from how its parts use each
/// variable: served as a JSON Schema in the OpenAPI document and checked at `send`, batch and
/// preview before anything renders, so the document and the checks cannot disagree.
///
/// Rules, per dotted path:
/// - shown with `date(…)`/`datetime(…)` → an RFC 3339 `full-date` or `date-time` string
///   (`2026-12-31`, `2026-12-31T09:00:00+07:00`); a day that does not exist is refused;
/// - shown with a text transform → a string; shown as is → a string, number, boolean or money
///   object `{"amount": 50000, "currency": "IDR"}`; shown in an email subject → without line breaks;
///   the whole of a QR payload or of a WhatsApp parameter → a string that is not blank;
/// - with fields used below it (`milestone.next.tier`) → an object;
/// - listed in the manifest's `variables.lists` (`events`) → an array; inside its section
///   (`{{#events}}…{{/events}}`) tags name the item's fields, with these same rules per item;
/// - used only as a section condition, or listed in the manifest and not used → anything.
///
/// A path is required (inside its parent) when some part shows it outside any section that would
/// guarantee it, and when the manifest lists it as required; optional paths may also be `null`.
/// Other keys are allowed and ignored.
public struct TemplateDataSchema: Sendable, Hashable {
    /// The accepted values of one path.
    public indirect enum Shape: Sendable, Hashable {
        case any
        case value(Text)
        case text(Text)
        case date
        case object([String: Field])
        /// An array whose items are objects with these fields (any items when there are none).
        case list([String: Field])
    }

    /// Rules for the string form of a value.
    public struct Text: Sendable, Hashable {
        /// Shown in a part that must stay on one line (an email subject).
        public var singleLine = false
        /// The whole of a part that must not be empty (QR payload, WhatsApp parameter).
        public var nonBlank = false
        /// The whole of an inbox action link: a string matching ``InboxLinkPattern``.
        public var link = false
    }

    /// One member of an object.
    public struct Field: Sendable, Hashable {
        public var shape: Shape
        public var required: Bool
    }

    /// The members of `data`.
    public let root: [String: Field]

    /// Derives the schema from compiled parts, the WhatsApp mapping's snippets and the manifest.
    static func derive(parts: [CompiledPart], whatsapp: WhatsAppTemplateMapping?, manifest: TemplateManifest) -> TemplateDataSchema {
        let builder = Builder(lists: Set(manifest.listVariables.map { $0.split(separator: ".").map(String.init) }))
        for part in parts {
            builder.walk(part.requirements.nodes, guards: [], singleLine: part.part == .emailSubject)
            if part.part == .qr { builder.markNonBlank(part.requirements.nodes) }
            if part.part == .inboxURL { builder.markLink(part.requirements.nodes) }
        }
        if let whatsapp {
            var sources = whatsapp.body
            if case .text(let header)? = whatsapp.header { sources.append(header) }
            for button in whatsapp.buttons { if case .url(let source) = button.kind { sources.append(source) } }
            // Parameters are flattened to one line when rendered, so line breaks do no harm there.
            for source in sources {
                builder.walk(source.compiled.nodes, guards: [], singleLine: false)
                builder.markNonBlank(source.compiled.nodes)
            }
        }
        for path in manifest.requiredVariables { builder.root.insert(path.split(separator: ".").map(String.init), requiredFrom: 0) }
        for path in manifest.optionalVariables + manifest.secretVariables {
            builder.root.insert(path.split(separator: ".").map(String.init), requiredFrom: Int.max)
        }
        return TemplateDataSchema(root: builder.root.fields)
    }

    /// A mutable tree of the paths seen while walking the parts.
    private final class Node {
        var children: [String: Node] = [:]
        var required = false
        var shown = false
        var date = false
        var text = false
        var rules = Text()
        /// The fields of one item, for a list variable.
        var item: Node?

        /// Adds `segments`; members at depth `requiredFrom` and below become required.
        @discardableResult
        func insert(_ segments: [String], requiredFrom: Int) -> Node {
            var node = self
            for (depth, segment) in segments.enumerated() {
                let child = node.children[segment] ?? Node()
                node.children[segment] = child
                if depth >= requiredFrom { child.required = true }
                node = child
            }
            return node
        }

        var fields: [String: Field] { children.mapValues { Field(shape: $0.shape, required: $0.required) } }

        var shape: Shape {
            if let item { return .list(item.fields) }
            if !children.isEmpty { return .object(fields) }
            if date { return .date }
            if text { return .text(rules) }
            return shown ? .value(rules) : .any
        }
    }

    private final class Builder {
        let root = Node()
        /// The manifest's list variables.
        let lists: Set<[String]>
        /// The node tags resolve against: the root, or a list's item inside its section.
        private var base: Node
        /// The value the innermost section iterates or enters, what `{{.}}` shows there.
        private var current: Node?

        init(lists: Set<[String]>) {
            self.lists = lists
            self.base = root
        }

        func walk(_ nodes: [TemplateRequirements.Node], guards: [[String]], singleLine: Bool) {
            for node in nodes {
                switch node {
                case .text: break
                case .variable(let ref) where ref.segments.isEmpty:
                    // `{{.}}` inside `{{#x}}…{{/x}}` shows x itself: x must be a value then.
                    if let current { mark(current, ref, singleLine: singleLine) }
                case .variable(let ref):
                    guard let segments = path(ref) else { continue }
                    // Members down to the deepest prefix a surrounding section guarantees are not
                    // needed by this tag; those below it are (unless the tag guards itself).
                    let guaranteed = ref.optional ? segments.count : guards.filter { segments.starts(with: $0) }.map(\.count).max() ?? 0
                    mark(base.insert(segments, requiredFrom: guaranteed), ref, singleLine: singleLine)
                case .section(let ref, let inverted, let children):
                    let segments = path(ref)
                    let node = segments.map { base.insert($0, requiredFrom: Int.max) }
                    if let node, let segments, !inverted, base === root, lists.contains(segments) {
                        // A list: its tags name the fields of each item, none guaranteed yet.
                        let item = node.item ?? Node()
                        node.item = item
                        let (outer, section) = (base, current)
                        (base, current) = (item, nil)
                        walk(children, guards: [], singleLine: singleLine)
                        (base, current) = (outer, section)
                        continue
                    }
                    let inner = inverted ? guards : guards + (segments.map { [$0] } ?? [])
                    let section = current
                    if !inverted { current = node }
                    walk(children, guards: inner, singleLine: singleLine)
                    current = section
                }
            }
        }

        /// Records how a tag shows `leaf`: as a value, a date or text, on one line or not.
        private func mark(_ leaf: Node, _ ref: TemplateRequirements.Reference, singleLine: Bool) {
            leaf.shown = true
            if ref.transforms.contains(where: TemplateRequirements.dateTransforms.contains) {
                leaf.date = true
            } else if !ref.transforms.isEmpty {
                leaf.text = true
            }
            if singleLine { leaf.rules.singleLine = true }
        }

        /// A part that is one variable and nothing else (spaces aside) renders empty when the
        /// variable is a blank string: that variable must not be blank.
        func markNonBlank(_ nodes: [TemplateRequirements.Node]) {
            let content = nodes.filter { node in
                if case .text(let text) = node { return !text.utf8.allSatisfy { $0 == 32 || $0 == 9 || $0 == 10 || $0 == 13 } }
                return true
            }
            guard content.count == 1, case .variable(let ref) = content[0], let segments = path(ref) else { return }
            base.insert(segments, requiredFrom: Int.max).rules.nonBlank = true
        }

        /// A link part that is one variable (spaces aside), bare or inside its own section
        /// (`{{#url}}{{url}}{{/url}}`): that variable must be a link when given.
        func markLink(_ nodes: [TemplateRequirements.Node]) {
            let content = nodes.filter { node in
                if case .text(let text) = node { return !text.utf8.allSatisfy { $0 == 32 || $0 == 9 || $0 == 10 || $0 == 13 } }
                return true
            }
            guard content.count == 1 else { return }
            switch content[0] {
            case .variable(let ref):
                guard let segments = path(ref) else { return }
                base.insert(segments, requiredFrom: Int.max).rules.link = true
            case .section(_, false, let children):
                markLink(children)
            default:
                return
            }
        }

        /// The path a tag names relative to ``base``: inside a list's section an anchored tag
        /// (`{{.from}}`, the item's own field, never the outer data's) names an item field too.
        private func path(_ ref: TemplateRequirements.Reference) -> [String]? {
            if ref.anchored, base !== root, !ref.segments.isEmpty { return ref.segments }
            return Self.dataPath(ref)
        }

        /// The data path a tag names, or `nil` for `.`, anchored names and the recipient/locale.
        static func dataPath(_ ref: TemplateRequirements.Reference) -> [String]? {
            guard !ref.anchored, let first = ref.segments.first, first != "recipient", first != "locale",
                first != "preferences_url"
            else { return nil }
            return ref.segments
        }
    }
}

extension TemplateDataSchema {
    /// The schema as JSON Schema (2020-12, as OpenAPI 3.1 uses it); money refers to `moneyRef`.
    public func jsonSchema(moneyRef: String) -> JSONValue {
        Self.json(.object(root), moneyRef: moneyRef)
    }

    private static func json(_ shape: Shape, moneyRef: String) -> JSONValue {
        func string(_ rules: Text) -> JSONValue {
            if rules.link {
                return .object([
                    "type": .string("string"), "maxLength": .int(Int64(InboxLinkPattern.maximumLength)),
                    "pattern": .string(InboxLinkPattern.pattern), "format": .string("uri"),
                ])
            }
            // One pattern per schema: the rules combined. The classes are spelled out so ECMA,
            // Python and ICU read them alike (and as the renderer trims: space, tab, CR, LF).
            let pattern: String? =
                switch (rules.singleLine, rules.nonBlank) {
                case (true, true): "^[^\\r\\n]*[^ \\t\\r\\n][^\\r\\n]*$"
                case (true, false): "^[^\\r\\n]*$"
                case (false, true): "[^ \\t\\r\\n]"
                case (false, false): nil
                }
            guard let pattern else { return .object(["type": .string("string")]) }
            return .object(["type": .string("string"), "pattern": .string(pattern)])
        }
        switch shape {
        case .any:
            return .object([:])
        case .value(let rules) where rules.link:
            return string(rules)
        case .value(let rules):
            return .object(["anyOf": .array([
                string(rules), .object(["type": .string("number")]), .object(["type": .string("boolean")]),
                .object(["$ref": .string(moneyRef)]),
            ])])
        case .text(let rules):
            return string(rules)
        case .date:
            return .object(["anyOf": .array([
                .object(["type": .string("string"), "format": .string("date")]),
                .object(["type": .string("string"), "format": .string("date-time")]),
            ])])
        case .object(let fields):
            var properties: [String: JSONValue] = [:]
            for (name, field) in fields {
                let schema = json(field.shape, moneyRef: moneyRef)
                switch (field.required, field.shape) {
                case (true, .any):
                    // Required means present and not null, whatever its type.
                    properties[name] = .object(["type": .array(["string", "number", "boolean", "object", "array"].map(JSONValue.string))])
                case (false, .any), (true, _):
                    properties[name] = schema
                case (false, _):
                    // Optional members may be null: a template treats null as absent.
                    properties[name] = .object(["anyOf": .array([schema, .object(["type": .string("null")])])])
                }
            }
            var object: [String: JSONValue] = ["type": .string("object"), "properties": .object(properties)]
            let required = fields.filter(\.value.required).keys.sorted()
            if !required.isEmpty { object["required"] = .array(required.map(JSONValue.string)) }
            return .object(object)
        case .list(let fields):
            if fields.isEmpty { return .object(["type": .string("array")]) }
            return .object(["type": .string("array"), "items": json(.object(fields), moneyRef: moneyRef)])
        }
    }
}
