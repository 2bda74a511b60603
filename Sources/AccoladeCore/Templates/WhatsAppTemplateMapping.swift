import Yams

/// The `whatsapp:` key of a template manifest: which approved WhatsApp template carries this
/// reward, and which Accolade variables fill its parameters.
///
/// ```yaml
/// whatsapp:
///   name: reward_earned                      # the approved template's name, exactly
///   language: { default: en_US, id: id, de: de }   # Accolade locale → WhatsApp language code (or one code)
///   header: { type: image }                  # the message's QR code; or { type: text, value: recipient.name }
///   body: [recipient.name, program, reward.code]   # {{1}}…{{n}} of the approved body, in order
///   buttons:
///     - { index: 0, sub_type: url, value: reward.code }     # suffix appended to the button's URL
///     - { index: 1, sub_type: quick_reply, payload: STOP }  # echoed back when tapped
///   category: utility                        # Meta's pricing category (costs:); default utility
/// ```
///
/// A value is a dotted variable path (`reward.code`, `recipient.name`) or a Mustache snippet
/// (`"{{reward.voucher}} ({{program}})"`); both render like the template's own parts, with the
/// number, money and date formats of the language sent (the message locale's when the code is
/// in its language, else the code's: `en_US` → `en-US`), and a missing variable stops the send. The
/// lists *are* the approved template's placeholders: Meta answers 132000 when the counts differ,
/// so keep `body` in step with the template approved in WhatsApp Manager.
public struct WhatsAppTemplateMapping: Sendable, Hashable {
    /// A header parameter.
    public enum Header: Sendable, Hashable {
        /// A text header's `{{1}}`.
        case text(WhatsAppParameterSource)
        /// An image header showing the message's QR code (the template needs a `qr.txt` part).
        case image
    }

    /// A button parameter.
    public struct Button: Sendable, Hashable {
        /// What the button carries.
        public enum Kind: Sendable, Hashable {
            /// A URL button: the rendered value is the suffix appended to the approved URL.
            case url(WhatsAppParameterSource)
            /// A quick-reply button: a fixed payload echoed back in the inbound webhook.
            case quickReply(payload: String)
        }

        /// Position of the button in the approved template, 0–9.
        public var index: Int
        /// Its parameter.
        public var kind: Kind
    }

    /// The approved template's name (matched exactly by Meta, case included).
    public var name: String
    /// WhatsApp language codes by Accolade locale key (`id`, `pt-br`, `default`).
    public var languages: [String: String]
    /// The header parameter, when the approved template has a variable or media header.
    public var header: Header?
    /// Body parameters for `{{1}}`…`{{n}}`, in order.
    public var body: [WhatsAppParameterSource]
    /// Button parameters, by index.
    public var buttons: [Button]
    /// `category:` — the approved template's pricing category (`utility`, `marketing`,
    /// `authentication`), which picks the WhatsApp price in `costs:`.
    public var category: String = Self.defaultCategory

    /// The category of a mapping that names none: reward notices (a voucher issued, points
    /// earned, a reminder before expiry) are what Meta calls utility messages, tied to a
    /// transaction the recipient took part in.
    public static let defaultCategory = "utility"

    /// The categories a template may declare.
    public static let categories = ["authentication", "marketing", "utility"]

    /// The language code for a message locale chain (`["id-id", "id"]`), else `default`, else the
    /// library default locale's chain; nil when none is mapped.
    public func languageCode(chain: [String], defaultChain: [String]) -> String? {
        for key in chain { if let code = languages[key] { return code } }
        if let code = languages["default"] { return code }
        for key in defaultChain { if let code = languages[key] { return code } }
        return nil
    }

    /// Parses and validates the mapping node; errors name the key path (`whatsapp.buttons[0].index`).
    static func parse(_ node: Node, fail: (String, Int?) -> TemplateError) throws(TemplateError) -> WhatsAppTemplateMapping {
        guard let mapping = node.mapping else { throw fail("whatsapp must be a mapping with name, language and parameters", node.mark?.line) }
        var name: String?
        var languages: [String: String] = [:]
        var header: Header?
        var body: [WhatsAppParameterSource] = []
        var buttons: [Button] = []
        var category = Self.defaultCategory
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            let line = value.mark?.line
            switch key {
            case "name":
                guard let text = value.scalar?.string, Self.isTemplateName(text) else {
                    throw fail("whatsapp.name must be the approved template's name: lower-case letters, digits and _ (e.g. reward_earned)", line)
                }
                name = text
            case "language":
                if let code = value.scalar?.string {
                    guard Self.isLanguageCode(code) else { throw fail(Self.badLanguage("whatsapp.language", code), line) }
                    languages["default"] = code
                } else if let map = value.mapping {
                    for (localeNode, codeNode) in map {
                        let locale = localeNode.string ?? ""
                        guard locale == "default" || TemplateLocale.isLocaleName(locale) else {
                            throw fail("whatsapp.language key \"\(locale)\" is not a locale — use locale names like en, id, pt-BR, or default", localeNode.mark?.line)
                        }
                        guard let code = codeNode.scalar?.string, Self.isLanguageCode(code) else {
                            throw fail(Self.badLanguage("whatsapp.language.\(locale)", codeNode.scalar?.string ?? ""), codeNode.mark?.line)
                        }
                        languages[locale == "default" ? "default" : TemplateLocale.key(locale)] = code
                    }
                    guard !languages.isEmpty else { throw fail("whatsapp.language must map at least one locale", line) }
                } else {
                    throw fail("whatsapp.language must be a code like en_US or a mapping { en: en_US, id: id }", line)
                }
            case "header":
                header = try parseHeader(value, fail: fail)
            case "body":
                guard let items = value.sequence else {
                    throw fail("whatsapp.body must be a list of variables for {{1}}…{{n}}, e.g. [recipient.name, reward.code]", line)
                }
                for (i, item) in items.enumerated() {
                    body.append(try WhatsAppParameterSource.parse(item, path: "whatsapp.body[\(i)]", fail: fail))
                }
            case "buttons":
                guard let items = value.sequence else { throw fail("whatsapp.buttons must be a list of { index, sub_type, value|payload }", line) }
                for (i, item) in items.enumerated() {
                    let button = try parseButton(item, path: "whatsapp.buttons[\(i)]", fail: fail)
                    if buttons.contains(where: { $0.index == button.index }) {
                        throw fail("whatsapp.buttons[\(i)].index \(button.index) is used twice — each button has its own index", item.mark?.line)
                    }
                    buttons.append(button)
                }
            case "category":
                guard let text = value.scalar?.string, Self.categories.contains(text) else {
                    throw fail("whatsapp.category must be the approved template's category: \(Self.categories.joined(separator: ", "))", line)
                }
                category = text
            default:
                throw fail("unknown key \"whatsapp.\(key)\" — use name, language, header, body, buttons or category", keyNode.mark?.line)
            }
        }
        guard let name else { throw fail("whatsapp.name is missing — give the approved template's name", node.mark?.line) }
        guard !languages.isEmpty else {
            throw fail("whatsapp.language is missing — give the approved template's language code (en_US) or a mapping per locale", node.mark?.line)
        }
        var result = WhatsAppTemplateMapping(name: name, languages: languages, header: header, body: body, buttons: buttons)
        result.category = category
        return result
    }

    private static func parseHeader(_ node: Node, fail: (String, Int?) -> TemplateError) throws(TemplateError) -> Header {
        guard let mapping = node.mapping else { throw fail("whatsapp.header must be { type: image } or { type: text, value: … }", node.mark?.line) }
        var type: String?
        var valueNode: Node?
        for (keyNode, value) in mapping {
            switch keyNode.string ?? "" {
            case "type": type = value.scalar?.string
            case "value": valueNode = value
            case let other: throw fail("unknown key \"whatsapp.header.\(other)\" — use type and value", keyNode.mark?.line)
            }
        }
        switch type {
        case "image":
            guard valueNode == nil else { throw fail("whatsapp.header.value is not used with type image — the image is the message's QR code", valueNode?.mark?.line) }
            return .image
        case "text":
            guard let valueNode else { throw fail("whatsapp.header.value is missing — name the variable for the header's {{1}}", node.mark?.line) }
            return .text(try WhatsAppParameterSource.parse(valueNode, path: "whatsapp.header.value", fail: fail))
        default:
            throw fail("whatsapp.header.type must be image or text", node.mark?.line)
        }
    }

    private static func parseButton(_ node: Node, path: String, fail: (String, Int?) -> TemplateError) throws(TemplateError) -> Button {
        guard let mapping = node.mapping else { throw fail("\(path) must be { index, sub_type, value } or { index, sub_type: quick_reply, payload }", node.mark?.line) }
        var index: Int?
        var subType: String?
        var valueNode: Node?
        var payload: String?
        for (keyNode, value) in mapping {
            let line = value.mark?.line
            switch keyNode.string ?? "" {
            case "index":
                guard let i = value.int ?? value.scalar.flatMap({ Int($0.string) }), (0...9).contains(i) else {
                    throw fail("\(path).index must be the button's position, 0–9", line)
                }
                index = i
            case "sub_type": subType = value.scalar?.string
            case "value": valueNode = value
            case "payload":
                guard let text = value.scalar?.string, !text.isEmpty, text.utf8.count <= 256 else {
                    throw fail("\(path).payload must be a non-empty string of at most 256 bytes", line)
                }
                payload = text
            case let other:
                throw fail("unknown key \"\(path).\(other)\" — use index, sub_type, value or payload", keyNode.mark?.line)
            }
        }
        guard let index else { throw fail("\(path).index is missing — give the button's position, 0–9", node.mark?.line) }
        switch subType {
        case "url":
            guard payload == nil else { throw fail("\(path).payload is for quick_reply buttons — a url button takes value", node.mark?.line) }
            guard let valueNode else { throw fail("\(path).value is missing — name the variable for the URL suffix", node.mark?.line) }
            return Button(index: index, kind: .url(try WhatsAppParameterSource.parse(valueNode, path: "\(path).value", fail: fail)))
        case "quick_reply":
            guard valueNode == nil else { throw fail("\(path).value is for url buttons — a quick_reply button takes payload", node.mark?.line) }
            guard let payload else { throw fail("\(path).payload is missing — give the value echoed back when the button is tapped", node.mark?.line) }
            return Button(index: index, kind: .quickReply(payload: payload))
        default:
            throw fail("\(path).sub_type must be url or quick_reply", node.mark?.line)
        }
    }

    static func isTemplateName(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 512
            && text.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F }
    }

    /// `en`, `en_US`, `pt_BR`, `fil`, `zh_CN`: Meta's codes, letters with an optional `_REGION`.
    static func isLanguageCode(_ text: String) -> Bool {
        let parts = text.split(separator: "_", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), (2...3).contains(parts[0].count), parts[0].allSatisfy({ $0.isASCII && $0.isLowercase }) else { return false }
        return parts.count == 1 || ((2...4).contains(parts[1].count) && parts[1].allSatisfy { $0.isASCII && ($0.isUppercase || $0.isNumber) })
    }

    private static func badLanguage(_ path: String, _ code: String) -> String {
        "\(path) \"\(code)\" is not a WhatsApp language code — use the code shown in WhatsApp Manager, e.g. en_US, id, de, pt_BR"
    }
}

/// One mapped parameter: a variable path or Mustache snippet, compiled when the template loads.
public struct WhatsAppParameterSource: Sendable, Hashable, CustomStringConvertible {
    /// As written in the manifest (`reward.code` or `{{reward.voucher}}`).
    public let source: String
    /// The compiled snippet.
    let compiled: TemplateRequirements

    /// The manifest text.
    public var description: String { source }

    static func parse(_ node: Node, path: String, fail: (String, Int?) -> TemplateError) throws(TemplateError) -> WhatsAppParameterSource {
        guard let text = node.scalar?.string, !text.isEmpty else {
            throw fail("\(path) must be a variable such as reward.code or a Mustache snippet such as \"{{reward.voucher}}\"", node.mark?.line)
        }
        let mustache: String
        if text.contains("{{") {
            mustache = text
        } else {
            guard Self.isPath(text) else {
                throw fail("\(path) \"\(text)\" is not a variable path — write reward.code, or quote a Mustache snippet like \"{{reward.code}}\"", node.mark?.line)
            }
            mustache = "{{\(text)}}"
        }
        do {
            return WhatsAppParameterSource(source: text, compiled: try TemplateScanner.scan(mustache, html: false))
        } catch {
            throw fail("\(path): \(error.message)", node.mark?.line)
        }
    }

    static func isPath(_ text: String) -> Bool {
        text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { segment in
            !segment.isEmpty && segment.utf8.allSatisfy { ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A || (0x30...0x39).contains($0) || $0 == 0x5F || $0 == 0x2D }
        }
    }

    /// Equal when written the same; the compiled form follows from the source.
    public static func == (a: WhatsAppParameterSource, b: WhatsAppParameterSource) -> Bool { a.source == b.source }
    /// Hashes the source.
    public func hash(into hasher: inout Hasher) { hasher.combine(source) }
}
