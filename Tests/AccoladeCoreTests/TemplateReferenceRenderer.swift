import Foundation
import Mustache
@testable import AccoladeCore

extension RenderJob {
    /// Renders one part with swift-mustache instead of ``TemplateRenderer``: the reference
    /// TemplateReferenceTests compare Accolade's own renderer against. Same file, same formatter,
    /// same `locale` and the same trimming as `render(_:)`; an SMS part's no-break spaces become
    /// plain ones over the whole output, which equals doing it per value as long as the files
    /// themselves hold none (the shipped ones do not).
    func referenceRender(_ part: TemplatePart) throws -> String {
        let (compiled, renderer) = try prepare(part)
        let source = try String(contentsOfFile: library.directory + "/" + loaded.info.name + "/" + compiled.file, encoding: .utf8)
        // Text parts switch swift-mustache to its unescaped TEXT content type; on a line of its
        // own the pragma is standalone and leaves the output untouched.
        let template = try MustacheTemplate(string: part.isHTML ? source : "{{%CONTENT_TYPE:TEXT}}\n" + source)
        let root = ContextRoot(
            data: renderer.data, recipient: renderer.recipient.templateValue, locale: renderer.locale.stringValue ?? "",
            formatter: renderer.formatter)
        let rendered = template.render(root)
        let output = renderer.plainSpaces ? LocaleFormatter.plainSpaces(rendered) : rendered
        return part.isSingleValue ? Self.trimmed(output) : output
    }
}

/// The values swift-mustache walks: thin views over ``JSONValue``.
///
/// swift-mustache walks only `[String: Any]` dictionaries (anything else, such as a YAML-style
/// `[AnyHashable: Any]`, silently renders nothing), so message data is never handed over as such
/// a tree; these views wrap each ``JSONValue`` lazily as swift-mustache asks for it.
///
/// swift-mustache finds children through `MustacheParent` (Mirror otherwise, which is slow and
/// would expose our stored properties), renders `MustacheCustomRenderable` through
/// `renderText`, and applies `{{date(x)}}`-style transforms through `MustacheTransformable`.
/// Wrapping lazily (one small struct per lookup) is cheaper than converting the whole data
/// tree to `[String: Any]` for every render.
enum TemplateContext {
    /// Wraps a data value for swift-mustache; `nil` (absent) for `null`.
    static func wrap(_ value: JSONValue?, _ formatter: LocaleFormatter) -> Any? {
        switch value {
        case nil, .null?: return nil
        case .bool(let b)?: return b
        case .int(let i)?: return ContextNumber(integer: i, double: nil, formatter: formatter)
        case .double(let d)?: return ContextNumber(integer: nil, double: d, formatter: formatter)
        case .string(let s)?: return ContextText(text: s, formatter: formatter)
        case .object(let o)?: return ContextObject(object: o, formatter: formatter)
        case .array(let a)?: return a.map { wrap($0, formatter) ?? ContextText(text: "", formatter: formatter) }
        }
    }
}

/// The root: message data plus `recipient` and `locale` (which win over data keys of the same name).
struct ContextRoot: MustacheParent {
    let data: [String: JSONValue]
    let recipient: JSONValue
    let locale: String
    let formatter: LocaleFormatter

    func child(named name: String) -> Any? {
        switch name {
        case "recipient": return TemplateContext.wrap(recipient, formatter)
        case "locale": return ContextText(text: locale, formatter: formatter)
        default: return TemplateContext.wrap(data[name], formatter)
        }
    }
}

/// A JSON object; renders as formatted money when it is a ``Money`` object.
struct ContextObject: MustacheParent, MustacheCustomRenderable {
    let object: [String: JSONValue]
    let formatter: LocaleFormatter

    func child(named name: String) -> Any? {
        // A money object's amount stays raw (`50000`), not grouped: it is for machines and links.
        if name == "amount", let money = Money(object) {
            let raw = money.amount.rounded() == money.amount && abs(money.amount) < 1e15
                ? String(Int64(money.amount)) : String(money.amount)
            return ContextText(text: raw, formatter: formatter)
        }
        return TemplateContext.wrap(object[name], formatter)
    }

    var renderText: String {
        guard let money = Money(object) else { return "" }
        return formatter.money(amount: money.amount, currency: money.currency)
    }

    var isNull: Bool { false }
}

/// A JSON string; empty strings are falsy in sections. Supports `date`, `datetime` and the
/// text transforms.
struct ContextText: MustacheParent, MustacheCustomRenderable, MustacheTransformable {
    let text: String
    let formatter: LocaleFormatter

    func child(named name: String) -> Any? { nil }
    var renderText: String { text }
    var isNull: Bool { text.isEmpty }

    func transform(_ name: String) -> Any? {
        switch name {
        case "date": return formatter.date(text)
        case "datetime": return formatter.dateTime(text)
        default: return text.transform(name)
        }
    }
}

/// A JSON number, grouped per locale.
struct ContextNumber: MustacheParent, MustacheCustomRenderable {
    let integer: Int64?
    let double: Double?
    let formatter: LocaleFormatter

    func child(named name: String) -> Any? { nil }

    var renderText: String {
        if let integer { return formatter.number(integer) }
        return formatter.number(double ?? 0)
    }

    var isNull: Bool { false }
}
