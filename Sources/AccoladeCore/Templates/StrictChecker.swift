/// Walks a part's ``TemplateRequirements`` over message data the way Mustache will resolve it.
///
/// Resolution mirrors swift-mustache: the first name segment is looked up in the innermost
/// section item, then outward to the root; the remaining segments must then exist below the
/// match (no backtracking). `null` counts as absent. Sections that will not render (absent,
/// `false`, empty list, empty string) are not entered, so their variables are not required.
struct StrictChecker {
    /// The data object at the root of the context.
    let data: [String: JSONValue]
    /// The recipient as an object (`recipient.name`, …).
    let recipient: JSONValue
    /// The effective locale identifier (`locale`).
    let locale: JSONValue

    /// Looks up a dotted path from the root only (manifest `required` entries).
    func lookupFromRoot(_ segments: [Substring]) -> JSONValue? {
        guard let first = segments.first, var value = rootChild(String(first)) else { return nil }
        for segment in segments.dropFirst() {
            guard let next = child(of: value, String(segment)) else { return nil }
            value = next
        }
        return value
    }

    /// Checks `requirements`; returns the first failing reference and its problem.
    func check(_ requirements: TemplateRequirements) -> (TemplateRequirements.Reference, TemplateError.Kind)? {
        var frames: [JSONValue] = []
        return walk(requirements.nodes, frames: &frames)
    }

    private func walk(
        _ nodes: [TemplateRequirements.Node], frames: inout [JSONValue]
    ) -> (TemplateRequirements.Reference, TemplateError.Kind)? {
        for node in nodes {
            switch node {
            case .variable(let ref):
                guard let value = resolve(ref, frames: frames) else {
                    if ref.optional { continue }
                    return (ref, .missingVariable(ref.path))
                }
                if let problem = Self.problem(showing: value, ref) { return (ref, problem) }
            case .section(let ref, let inverted, let children):
                let value = resolve(ref, frames: frames)
                let truthy = Self.isTruthy(value)
                if inverted {
                    if !truthy, let failure = walk(children, frames: &frames) { return failure }
                    continue
                }
                guard truthy, let value else { continue }
                switch value {
                case .array(let items):
                    for item in items {
                        frames.append(item)
                        defer { frames.removeLast() }
                        if let failure = walk(children, frames: &frames) { return failure }
                    }
                case .bool:
                    if let failure = walk(children, frames: &frames) { return failure }
                default:
                    frames.append(value)
                    defer { frames.removeLast() }
                    if let failure = walk(children, frames: &frames) { return failure }
                }
            }
        }
        return nil
    }

    private func resolve(_ ref: TemplateRequirements.Reference, frames: [JSONValue]) -> JSONValue? {
        guard let first = ref.segments.first else {
            // `.` is the current item, or the root object outside any section.
            return frames.last ?? .object(data)
        }
        var value: JSONValue?
        if ref.anchored {
            value = frames.last.flatMap { child(of: $0, first) } ?? (frames.isEmpty ? rootChild(first) : nil)
        } else {
            for frame in frames.reversed() {
                if let found = child(of: frame, first) {
                    value = found
                    break
                }
            }
            if value == nil { value = rootChild(first) }
        }
        guard var current = value else { return nil }
        for segment in ref.segments.dropFirst() {
            guard let next = child(of: current, segment) else { return nil }
            current = next
        }
        return current
    }

    private func rootChild(_ name: String) -> JSONValue? {
        switch name {
        case "recipient": return recipient
        case "locale": return locale
        default:
            guard let value = data[name], value != .null else { return nil }
            return value
        }
    }

    private func child(of value: JSONValue, _ name: String) -> JSONValue? {
        guard case .object(let object) = value, let found = object[name], found != .null else { return nil }
        return found
    }

    /// Mustache truthiness as swift-mustache applies it to our context values.
    static func isTruthy(_ value: JSONValue?) -> Bool {
        switch value {
        case nil, .null?: return false
        case .bool(let b)?: return b
        case .array(let a)?: return !a.isEmpty
        case .string(let s)?: return !s.isEmpty
        default: return true
        }
    }

    private static func problem(showing value: JSONValue, _ ref: TemplateRequirements.Reference) -> TemplateError.Kind? {
        if ref.transforms.contains(where: TemplateRequirements.dateTransforms.contains) {
            guard case .string(let s) = value, ISODate.parse(s) != nil else { return .notADate(ref.path) }
            return nil
        }
        if !ref.transforms.isEmpty {
            guard case .string = value else { return .notAString(ref.path) }
            return nil
        }
        switch value {
        case .array: return .notAValue(ref.path)
        case .object(let object): return Money(object) == nil ? .notAValue(ref.path) : nil
        default: return nil
        }
    }
}
