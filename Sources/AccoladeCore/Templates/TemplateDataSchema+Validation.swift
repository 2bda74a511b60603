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
        if rules.singleLine, text.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) {
            throw ValidationError(field: path, reason: "is shown in an email subject, so it must not contain line breaks")
        }
        if rules.nonBlank, text.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            throw ValidationError(field: path, reason: "is a whole QR payload or WhatsApp parameter, so it must not be empty or blank")
        }
    }
}

/// RFC 3339's `full-date` and `date-time` (what JSON Schema's `date` and `date-time` formats mean):
/// `2026-12-31`, `2026-12-31T09:00:00Z`, `2026-12-31t09:00:00.5+07:00`. Days must exist.
enum RFC3339 {
    static func isFullDate(_ text: String) -> Bool {
        let b = Array(text.utf8)
        return b.count == 10 && fullDate(b[...])
    }

    static func isDateTime(_ text: String) -> Bool {
        let b = Array(text.utf8)
        guard b.count >= 20, fullDate(b[0..<10]), b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t"),
            let hour = number(b, 11, 2), hour < 24, b[13] == UInt8(ascii: ":"), let minute = number(b, 14, 2), minute < 60,
            b[16] == UInt8(ascii: ":"), let second = number(b, 17, 2), second < 60
        else { return false }
        var i = 19
        if b[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < b.count, isDigit(b[i]) { i += 1 }
            guard i > start, i < b.count else { return false }
        }
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") { return i + 1 == b.count }
        guard b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-"), i + 6 == b.count, let oh = number(b, i + 1, 2), oh < 24,
            b[i + 3] == UInt8(ascii: ":"), let om = number(b, i + 4, 2), om < 60
        else { return false }
        return true
    }

    private static func fullDate(_ slice: ArraySlice<UInt8>) -> Bool {
        let b = Array(slice)
        guard let year = number(b, 0, 4), year >= 1, b[4] == UInt8(ascii: "-"), let month = number(b, 5, 2),
            b[7] == UInt8(ascii: "-"), let day = number(b, 8, 2), (1...12).contains(month)
        else { return false }
        return day >= 1 && day <= ISODate.daysIn(month: month, year: year)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func number(_ b: [UInt8], _ from: Int, _ count: Int) -> Int? {
        guard from + count <= b.count else { return nil }
        var value = 0
        for i in from..<(from + count) {
            guard isDigit(b[i]) else { return nil }
            value = value * 10 + Int(b[i] - UInt8(ascii: "0"))
        }
        return value
    }
}
