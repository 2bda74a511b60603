import Foundation

/// Executes a compiled part (``TemplateRequirements``) against message data, strictly.
///
/// Resolution follows Mustache as swift-mustache implements it: the first name segment is
/// looked up in the innermost section item, then outward to the root; the remaining segments
/// must exist below the match (no backtracking). `null` counts as absent. Sections render for
/// truthy values (not absent, `false`, an empty list or an empty string): a list repeats the
/// section per item, an object or scalar becomes the current item, `true` keeps the context.
/// A value shown that is absent, an object that is not money, a list, or an unparsable date
/// stops the render with the tag's line.
struct TemplateRenderer {
    /// The data object at the root of the context.
    let data: [String: JSONValue]
    /// The recipient (`recipient.name`, …); fields are read directly, not via an object.
    let recipient: Recipient
    /// The locale of the text being rendered (`locale`): the one its values are formatted in.
    let locale: JSONValue
    /// Formats money, numbers and dates.
    let formatter: LocaleFormatter
    /// Whether formatted values trade no-break spaces for plain ones (SMS parts: see
    /// ``LocaleFormatter/plainSpaces(_:)``); elsewhere they keep number and currency together.
    var plainSpaces = false
    /// `{{preferences_url}}`: the recipient's signed preferences link; nil (absent) when
    /// `preferences:` is not configured, so `{{#preferences_url}}…{{/preferences_url}}` can guard it.
    var preferencesURL: String? = nil

    /// A failed tag and what is wrong with it.
    struct Failure: Error {
        var reference: TemplateRequirements.Reference
        var kind: TemplateError.Kind
    }

    /// Renders `part` into a string.
    func render(_ part: TemplateRequirements) throws(Failure) -> String {
        var out = ""
        out.reserveCapacity(part.capacityHint)
        var frames: [JSONValue] = []
        try render(part.nodes, frames: &frames, into: &out)
        return out
    }

    /// Looks up a dotted path from the root only (manifest `required` entries).
    func lookupFromRoot(_ segments: [Substring]) -> JSONValue? {
        guard let first = segments.first, var value = rootChild(String(first)) else { return nil }
        for segment in segments.dropFirst() {
            guard let next = Self.child(of: value, String(segment)) else { return nil }
            value = next
        }
        return value
    }

    private func render(_ nodes: [TemplateRequirements.Node], frames: inout [JSONValue], into out: inout String) throws(Failure) {
        for node in nodes {
            switch node {
            case .text(let text):
                out += text
            case .variable(let ref):
                guard let (value, parentIsMoney) = resolve(ref, frames: frames) else {
                    if ref.optional { continue }
                    throw Failure(reference: ref, kind: .missingVariable(ref.path))
                }
                let text = try show(value, ref, parentIsMoney: parentIsMoney)
                if ref.escaped { HTMLEscaping.append(text, to: &out) } else { out += text }
            case .section(let ref, let inverted, let children):
                let value = resolve(ref, frames: frames)?.value
                let truthy = Self.isTruthy(value)
                if inverted {
                    if !truthy { try render(children, frames: &frames, into: &out) }
                    continue
                }
                guard truthy, let value else { continue }
                switch value {
                case .array(let items):
                    for item in items {
                        frames.append(item)
                        defer { frames.removeLast() }
                        try render(children, frames: &frames, into: &out)
                    }
                case .bool:
                    try render(children, frames: &frames, into: &out)
                default:
                    frames.append(value)
                    defer { frames.removeLast() }
                    try render(children, frames: &frames, into: &out)
                }
            }
        }
    }

    /// The text a value shows as.
    private func show(_ value: JSONValue, _ ref: TemplateRequirements.Reference, parentIsMoney: Bool) throws(Failure) -> String {
        if !ref.transforms.isEmpty {
            guard case .string(var text) = value else {
                let dates = ref.transforms.contains(where: TemplateRequirements.dateTransforms.contains)
                throw Failure(reference: ref, kind: dates ? .notADate(ref.path) : .notAString(ref.path))
            }
            // Innermost transform first, as swift-mustache applies them.
            for transform in ref.transforms.reversed() {
                switch transform {
                case "date":
                    guard let formatted = formatter.date(text) else { throw Failure(reference: ref, kind: .notADate(ref.path)) }
                    text = spaced(formatted)
                case "datetime":
                    guard let formatted = formatter.dateTime(text) else { throw Failure(reference: ref, kind: .notADate(ref.path)) }
                    text = spaced(formatted)
                case "uppercased": text = text.uppercased()
                case "lowercased": text = text.lowercased()
                default: text = text.capitalized
                }
            }
            return text
        }
        switch value {
        case .string(let s): return s
        case .int(let i): return parentIsMoney ? String(i) : spaced(formatter.number(i))
        case .double(let d):
            if parentIsMoney { return d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : String(d) }
            return spaced(formatter.number(d))
        case .bool(let b): return b ? "true" : "false"
        case .object(let object):
            guard let money = Money(object) else { throw Failure(reference: ref, kind: .notAValue(ref.path)) }
            return spaced(formatter.money(amount: money.amount, currency: money.currency))
        case .array: throw Failure(reference: ref, kind: .notAValue(ref.path))
        case .null: throw Failure(reference: ref, kind: .missingVariable(ref.path))
        }
    }

    /// A formatted value as this part shows it.
    @inline(__always)
    private func spaced(_ formatted: String) -> String {
        plainSpaces ? LocaleFormatter.plainSpaces(formatted) : formatted
    }

    /// The value a tag names, and whether it is the raw `amount` of a money object.
    private func resolve(_ ref: TemplateRequirements.Reference, frames: [JSONValue]) -> (value: JSONValue, parentIsMoney: Bool)? {
        guard let first = ref.segments.first else {
            // `.` is the current item, or the root object outside any section.
            return (frames.last ?? .object(data), false)
        }
        var value: JSONValue?
        if ref.anchored {
            value = frames.isEmpty ? rootChild(first) : Self.child(of: frames[frames.count - 1], first)
        } else {
            var index = frames.count - 1
            while index >= 0 {
                if let found = Self.child(of: frames[index], first) {
                    value = found
                    break
                }
                index -= 1
            }
            if value == nil {
                // `recipient.x` is most of the recipient lookups: read the field, build no object.
                if ref.segments.count == 2 && first == "recipient" {
                    return recipient.field(ref.segments[1]).map { ($0, false) }
                }
                value = rootChild(first)
            }
        }
        guard var current = value else { return nil }
        var parentIsMoney = false
        var index = 1
        while index < ref.segments.count {
            guard case .object(let object) = current, let next = Self.field(object, ref.segments[index]), next != .null else { return nil }
            parentIsMoney = ref.segments[index] == "amount" && Money(object) != nil
            current = next
            index += 1
        }
        return (current, parentIsMoney)
    }

    private func rootChild(_ name: String) -> JSONValue? {
        switch name {
        case "recipient": return recipient.templateValue
        case "locale": return locale
        case "preferences_url": return preferencesURL.map(JSONValue.string)
        default:
            guard let value = Self.field(data, name), value != .null else { return nil }
            return value
        }
    }

    private static func child(of value: JSONValue, _ name: String) -> JSONValue? {
        guard case .object(let object) = value, let found = field(object, name), found != .null else { return nil }
        return found
    }

    /// `object[name]`, by comparing keys when the object is small, as template data objects
    /// are: a few short-string comparisons cost less than hashing `name`, and hashing was the
    /// largest single cost of a render.
    @inline(__always)
    static func field(_ object: [String: JSONValue], _ name: String) -> JSONValue? {
        guard object.count <= 8 else { return object[name] }
        for (key, value) in object where key == name { return value }
        return nil
    }

    /// Mustache truthiness, as swift-mustache applies it to our values.
    static func isTruthy(_ value: JSONValue?) -> Bool {
        switch value {
        case nil, .null?: return false
        case .bool(let b)?: return b
        case .array(let a)?: return !a.isEmpty
        case .string(let s)?: return !s.isEmpty
        default: return true
        }
    }
}
