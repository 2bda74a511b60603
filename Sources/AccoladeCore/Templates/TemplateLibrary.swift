import Foundation
import Mustache

/// All templates of a `templates/` folder, loaded, checked and compiled once.
///
/// ## Layout
/// ```
/// templates/
///   reward-earned/
///     manifest.yml              description, channels, variables (required/optional/secret), whatsapp
///     sample.json               {"recipient": {…}, "data": {…}} for previews and `templates check`
///     email.subject.mustache    default (English) parts
///     email.txt.mustache
///     email.html.mustache
///     sms.txt.mustache          (whatsapp.txt.mustache and qr.txt.mustache work the same way)
///     id/                       locale overrides, any subset of the part files
///       email.subject.mustache
///     es/ …   de/ …
/// ```
/// - A channel exists when the default folder has all its parts (email needs subject, text and
///   HTML). A locale folder may override any of them but may not add parts the default lacks.
/// - Locale lookup for `id-ID` tries `id-ID/file`, then `id/file`, then the default `file`;
///   folder names match case-insensitively and `_` equals `-`. The locale used is the
///   recipient's, else the message's, else ``defaultLocale``.
/// - One locale per text: values are formatted (money, numbers, dates: see ``LocaleFormatter``)
///   in the locale of the text actually sent — the requested locale when the file used is in
///   that language, otherwise the file's (the default locale for default files), and for a
///   WhatsApp template the language code sent — so an English fallback never carries French
///   month names. ``locales(template:channel:locale:recipient:)`` tells which locale that was.
///
/// ## Rendering rules
/// - Context: the message data object at the top level, plus `recipient` (name, email, phone,
///   whatsapp, id, locale, timezone: the fields that are set) and `locale` (the locale of the
///   text being rendered, e.g. `id-ID`, or `en` in a default file an `fr` message fell back
///   to). `recipient` and `locale` win over data keys of the same name.
/// - Strict: every variable a part shows must be present and non-null (empty strings are
///   present) — otherwise a ``TemplateError`` names template, file, line and variable.
///   Variables inside sections resolve against the section item, then outer contexts, as in
///   Mustache; a section that does not render (absent, null, false, empty list or string)
///   requires nothing, and a variable inside a section of its own name is optional.
///   Manifest `required` variables must be present whichever parts use them.
/// - HTML parts escape every value and may not use `{{{x}}}` or `{{& x}}`; subject, text, SMS,
///   WhatsApp and QR parts do not escape. Subjects, SMS, WhatsApp and QR outputs are trimmed;
///   a subject must render to one line.
/// - Values: an object `{"amount": 50000, "currency": "IDR"}` shows as money (`Rp50.000`);
///   numbers are grouped per locale (`1.250`); `{{date(x)}}` and `{{datetime(x)}}` format an
///   ISO-8601 string (`2026-12-31`, `2026-12-31T17:00:00Z`) in medium style in the
///   recipient's time zone (UTC when unset). `uppercased`, `lowercased`, `capitalized` apply
///   to strings. Objects and lists cannot be shown as values.
/// - Not supported (load-time errors): partials, inheritance, custom delimiters, pragmas.
public final class TemplateLibrary: Sendable {
    /// The folder the templates were loaded from.
    public let directory: String
    /// The language of the files at the top of each template folder.
    public let defaultLocale: String
    let templates: [String: LoadedTemplate]
    let formatters = FormatterCache()
    let locales = LocaleResolver()
    /// Language of ``defaultLocale`` (`en`).
    let defaultLanguage: String
    /// Makes `{{preferences_url}}` (the recipient's signed preferences link); nil leaves it absent.
    public let preferenceLinks: PreferenceLinks?

    /// Loads every template folder under `directory`.
    ///
    /// Throws the first problem found: unreadable folder, invalid manifest or sample, unknown
    /// part file, Mustache syntax error (with its line), or a forbidden tag.
    public init(directory: String, defaultLocale: String = "en", preferenceLinks: PreferenceLinks? = nil) throws(TemplateError) {
        self.preferenceLinks = preferenceLinks
        self.directory = directory
        self.defaultLocale = defaultLocale
        self.defaultLanguage = TemplateLocale.language(defaultLocale)
        var loaded: [String: LoadedTemplate] = [:]
        for name in try Self.entries(of: directory, template: nil) where Self.isDirectory(directory + "/" + name) {
            loaded[name] = try LoadedTemplate.load(directory: directory + "/" + name, name: name, defaultLocale: defaultLocale)
        }
        self.templates = loaded
    }

    /// Template names, sorted.
    public var names: [String] { templates.keys.sorted() }

    /// Description, channels, locales and sample of one template.
    public func info(_ name: String) -> TemplateInfo? { templates[name]?.info }

    /// Every template's info, sorted by name.
    public var infos: [TemplateInfo] { names.compactMap(info) }

    /// `data` with the template's secret variables masked (see ``TemplateManifest/maskedData(_:)``).
    public func maskedData(_ data: JSONValue, template: String) -> JSONValue {
        templates[template]?.info.manifest.maskedData(data) ?? data
    }

    static func entries(of path: String, template: String?) throws(TemplateError) -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: path).filter { !$0.hasPrefix(".") }.sorted()
        } catch {
            throw TemplateError(.unreadable("\(path): \(error.localizedDescription)"), template: template)
        }
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}

/// What `templates list` and previews show about one template.
public struct TemplateInfo: Sendable, Hashable {
    /// The folder name, e.g. `reward-earned`.
    public var name: String
    /// The parsed manifest.
    public var manifest: TemplateManifest
    /// The channels the template can render, in ``ChannelKind`` order.
    public var channels: [ChannelKind]
    /// Locales with files: the default first, then locale folders (`["en", "de", "es", "id"]`).
    public var locales: [String]
    /// The sample data and recipient.
    public var sample: TemplateSample
    /// What message data must look like, from how the parts use each variable.
    public var dataSchema: TemplateDataSchema

    /// The manifest's one-line description.
    public var description: String { manifest.description }

    /// `data` with secret variables masked as `••••`.
    public func maskedData(_ data: JSONValue) -> JSONValue { manifest.maskedData(data) }
}

/// One compiled Mustache file.
final class CompiledPart: Sendable {
    let part: TemplatePart
    /// Path inside the template folder (`id/email.html.mustache`).
    let file: String
    /// The locale folder key, or `nil` for a default file.
    let localeKey: String?
    /// Language of ``localeKey`` (`id`), `nil` for a default file.
    let language: String?
    /// The tree Accolade renders from.
    let requirements: TemplateRequirements

    init(part: TemplatePart, file: String, localeKey: String?, language: String?, requirements: TemplateRequirements) {
        self.part = part
        self.file = file
        self.localeKey = localeKey
        self.language = language
        self.requirements = requirements
    }

    /// Compiles `source`: swift-mustache checks the syntax, ``TemplateScanner`` builds the tree
    /// Accolade renders from.
    static func compile(
        _ source: String, part: TemplatePart, template: String, file: String, localeKey: String?
    ) throws(TemplateError) -> CompiledPart {
        do {
            _ = try MustacheTemplate(string: source)
        } catch let error as MustacheTemplate.ParserError {
            // swift-mustache reports where it gave up (often the end of the file); the scanner
            // usually knows the tag that started the problem.
            do {
                _ = try TemplateScanner.scan(source, html: part.isHTML)
            } catch {
                throw TemplateError(.syntax(error.message), template: template, file: file, line: error.line)
            }
            throw TemplateError(.syntax(Self.explain(error.error)), template: template, file: file, line: error.context.lineNumber)
        } catch {
            throw TemplateError(.syntax("\(error)"), template: template, file: file)
        }
        let requirements: TemplateRequirements
        do {
            requirements = try TemplateScanner.scan(source, html: part.isHTML)
        } catch {
            throw TemplateError(.unsupported(error.message), template: template, file: file, line: error.line)
        }
        return CompiledPart(
            part: part, file: file, localeKey: localeKey, language: localeKey.map(TemplateLocale.language), requirements: requirements)
    }

    private static func explain(_ error: any Error) -> String {
        switch error as? MustacheTemplate.Error {
        case .sectionCloseNameIncorrect?: return "closing tag does not match the open section"
        case .unfinishedName?: return "tag is not closed or its name has invalid characters"
        case .expectedSectionEnd?: return "a section is never closed"
        case .invalidSetDelimiter?: return "invalid set-delimiter tag"
        default: return "\(error)"
        }
    }
}
