/// Why a template could not be loaded or rendered, with where and what to do about it.
///
/// The ``description`` reads like a compiler message:
/// `reward-earned/id/email.html.mustache:12: missing variable "reward.code" — add it to data`.
/// It never contains data values, so it is safe to log and to return from the API.
public struct TemplateError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Hashable {
        /// The data lacks a variable the template uses (dotted path), or a manifest-required one.
        case missingVariable(String)
        /// A variable the template shows is an object or a list, not a value.
        case notAValue(String)
        /// A `date(…)` / `datetime(…)` value is not an ISO-8601 date.
        case notADate(String)
        /// A text transform was applied to something that is not a string.
        case notAString(String)
        /// Mustache syntax error.
        case syntax(String)
        /// A Mustache feature this project does not allow here (partials, triple mustache in HTML…).
        case unsupported(String)
        /// The rendered subject contains a line break.
        case multilineSubject
        /// No template of that name.
        case unknownTemplate(String)
        /// The template has no parts for that channel.
        case channelNotAvailable(ChannelKind)
        /// The manifest or sample file is invalid.
        case invalidFile(String)
        /// The recipient's time zone is not a known IANA name.
        case unknownTimeZone(String)
        /// The template folder could not be read.
        case unreadable(String)
    }

    /// What went wrong.
    public var kind: Kind
    /// The template folder name, when known.
    public var template: String?
    /// The file inside the template folder (`id/email.html.mustache`), when known.
    public var file: String?
    /// The 1-based line in ``file``, when known.
    public var line: Int?

    /// Creates an error.
    public init(_ kind: Kind, template: String? = nil, file: String? = nil, line: Int? = nil) {
        self.kind = kind
        self.template = template
        self.file = file
        self.line = line
    }

    /// The request field to blame, as a JSON path: `data.reward.expires_on` for a missing or
    /// unusable variable, `to.name` for a recipient field, `nil` when the template is at fault.
    public var requestField: String? {
        let path: String
        switch kind {
        case .missingVariable(let p), .notAValue(let p), .notADate(let p), .notAString(let p): path = p
        case .unknownTimeZone: return "to.timezone"
        default: return nil
        }
        if path.hasPrefix("recipient.") { return "to." + path.dropFirst("recipient.".count) }
        return "data." + path
    }

    /// `template/file:line: problem — what to do`.
    public var description: String {
        var location = [template, file].compactMap { $0 }.joined(separator: "/")
        if let line { location += ":\(line)" }
        return location.isEmpty ? message : "\(location): \(message)"
    }

    private var message: String {
        switch kind {
        case .missingVariable(let path):
            if path.hasPrefix("recipient.") {
                return "missing variable \"\(path)\" — set \(path) on the recipient"
            }
            return "missing variable \"\(path)\" — add it to data"
        case .notAValue(let path):
            return "\"\(path)\" is an object or list, not a value — use one of its fields, or a section {{#\(path)}}…{{/\(path)}}"
        case .notADate(let path):
            return "\"\(path)\" is not an ISO-8601 date — send YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ"
        case .notAString(let path):
            return "\"\(path)\" is not a string — text transforms apply to strings only"
        case .syntax(let detail):
            return "Mustache syntax error: \(detail) — fix the tag on this line"
        case .unsupported(let detail):
            return detail
        case .multilineSubject:
            return "the rendered subject contains a line break — keep the subject and its values on one line"
        case .unknownTemplate(let name):
            return "no template named \"\(name)\" — run `accolade templates list` to see the installed ones"
        case .channelNotAvailable(let channel):
            return "the template has no \(channel) parts — add \(TemplatePart.parts(for: channel).map(\.fileName).joined(separator: ", ")) or route around \(channel)"
        case .invalidFile(let detail):
            return detail
        case .unknownTimeZone(let zone):
            return "unknown time zone \"\(zone)\" — use an IANA name such as Asia/Jakarta"
        case .unreadable(let detail):
            return "cannot read the template: \(detail) — check the path and permissions"
        }
    }
}

extension ValidationError {
    /// A render failure as the request error it is: a ``TemplateError`` names its field
    /// (``TemplateError/requestField``), anything else blames `data`.
    public init(renderFailure error: any Error) {
        self.init(field: (error as? TemplateError)?.requestField ?? "data", reason: "\(error)")
    }
}
