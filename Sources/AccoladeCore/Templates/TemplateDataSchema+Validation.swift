/// The server-side check of ``TemplateDataSchema``: exactly what its JSON Schema says, so a
/// request the document calls valid is accepted and one it calls invalid is refused.
extension TemplateDataSchema {
    /// Throws a ``ValidationError`` naming the first offending member (`data.reward.expires_on`).
    public func validate(_ data: JSONValue) throws(ValidationError) {
        try Self.check(data, .object(root), at: "data")
    }

    private static func check(_ value: JSONValue, _ shape: Shape, at path: String) throws(ValidationError) {
        switch shape {
        case .any:
            return
        case .value(let rules) where rules.link:
            guard case .string(let text) = value else {
                throw ValidationError(field: path, reason: "is the item's action link in the inbox, so it must be an http(s) URL string")
            }
            try checkText(text, rules, at: path)
        case .value(let rules):
            switch value {
            case .int, .double, .bool: return
            case .string(let text): try checkText(text, rules, at: path)
            case .object(let object) where Money(object) != nil: return
            default:
                throw ValidationError(
                    field: path,
                    reason: "must be a string, number, boolean or money object like {\"amount\": 50000, \"currency\": \"IDR\"}")
            }
        case .text(let rules):
            guard case .string(let text) = value else { throw ValidationError(field: path, reason: "must be a string") }
            try checkText(text, rules, at: path)
        case .date:
            guard case .string(let text) = value, RFC3339.isFullDate(text) || RFC3339.isDateTime(text) else {
                throw ValidationError(
                    field: path, reason: "must be an existing date, 2026-12-31, or a time with its zone, 2026-12-31T09:00:00+07:00")
            }
        case .list(let fields):
            guard case .array(let items) = value else { throw ValidationError(field: path, reason: "must be a list (a JSON array)") }
            guard !fields.isEmpty else { return }
            for (i, item) in items.enumerated() { try check(item, .object(fields), at: "\(path)[\(i)]") }
        case .object(let fields):
            guard case .object(let object) = value else { throw ValidationError(field: path, reason: "must be an object") }
            for name in fields.keys.sorted() {
                let field = fields[name]!
                guard let member = object[name], member != .null else {
                    if field.required { throw ValidationError(field: "\(path).\(name)", reason: "is required by the template") }
                    continue
                }
                try check(member, field.shape, at: "\(path).\(name)")
            }
        }
    }

    private static func checkText(_ text: String, _ rules: Text, at path: String) throws(ValidationError) {
        if rules.link, !InboxLinkPattern.matches(text) {
            throw ValidationError(
                field: path,
                reason: "is the item's action link in the inbox, so it must be an absolute http(s) URL of plain URL characters (percent-encode others), without user info, at most \(InboxLinkPattern.maximumLength) bytes")
        }
        if rules.singleLine, text.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) {
            throw ValidationError(field: path, reason: "is shown in an email subject, so it must not contain line breaks")
        }
        if rules.nonBlank, text.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            throw ValidationError(field: path, reason: "is a whole QR payload or WhatsApp parameter, so it must not be empty or blank")
        }
    }
}
