import AccoladeCore

/// One token of a condition, with the column it starts at.
struct ConditionToken: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        case number(JSONValue)
        case string(String)
        /// A bare word or dotted path: `data.reward.code`, `and`, `true`.
        case word(String)
        case op(ComparisonOperator)
        case leftParen, rightParen, leftBracket, rightBracket, comma
        case end
    }

    var kind: Kind
    /// 1-based column in characters.
    var column: Int
}

/// Splits a condition into tokens. Hand-written so every error can name its column and no
/// input can make it backtrack.
enum ConditionLexer {
    /// The longest condition accepted; a workflow's conditions are one-liners.
    static let maxLength = 1_000

    static func tokens(_ source: String) throws(ConditionSyntaxError) -> [ConditionToken] {
        let chars = Array(source)
        guard chars.count <= maxLength else {
            throw ConditionSyntaxError(column: maxLength + 1, reason: "longer than \(maxLength) characters")
        }
        var out: [ConditionToken] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            let column = i + 1
            if c == " " || c == "\t" || c == "\n" || c == "\r" {
                i += 1
                continue
            }
            switch c {
            case "(": out.append(.init(kind: .leftParen, column: column)); i += 1
            case ")": out.append(.init(kind: .rightParen, column: column)); i += 1
            case "[": out.append(.init(kind: .leftBracket, column: column)); i += 1
            case "]": out.append(.init(kind: .rightBracket, column: column)); i += 1
            case ",": out.append(.init(kind: .comma, column: column)); i += 1
            case "=", "!", "<", ">":
                let next: Character? = i + 1 < chars.count ? chars[i + 1] : nil
                if next == "=" {
                    let op: ComparisonOperator = switch c {
                    case "=": .equal
                    case "!": .notEqual
                    case "<": .lessOrEqual
                    default: .greaterOrEqual
                    }
                    out.append(.init(kind: .op(op), column: column))
                    i += 2
                } else if c == "<" || c == ">" {
                    out.append(.init(kind: .op(c == "<" ? .less : .greater), column: column))
                    i += 1
                } else {
                    let hint = c == "=" ? "\"==\" compares; \"=\" alone is not an operator" : "\"!=\" compares; use \"not\" to negate"
                    throw ConditionSyntaxError(column: column, reason: "unexpected \"\(c)\" (\(hint))")
                }
            case "\"":
                let (text, end) = try string(chars, from: i)
                out.append(.init(kind: .string(text), column: column))
                i = end
            case "'":
                throw ConditionSyntaxError(column: column, reason: "strings take double quotes (\"…\"), not single quotes")
            default:
                if c.isASCII && (c.isNumber || c == "-") {
                    let (value, end) = try number(chars, from: i)
                    out.append(.init(kind: .number(value), column: column))
                    i = end
                } else if c.isASCII && (c.isLetter || c == "_") {
                    var end = i
                    while end < chars.count, isWordCharacter(chars[end]) { end += 1 }
                    out.append(.init(kind: .word(String(chars[i..<end])), column: column))
                    i = end
                } else {
                    throw ConditionSyntaxError(column: column, reason: "unexpected character \"\(c)\"")
                }
            }
        }
        out.append(.init(kind: .end, column: chars.count + 1))
        return out
    }

    /// Letters, digits, `_`, `-` and `.`: a dotted path is one word; keys like `expires_on` and
    /// `reward-tier` need no quoting (there is no arithmetic, so `-` is never a minus here).
    static func isWordCharacter(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || c == "_" || c == "-" || c == ".")
    }

    private static func string(_ chars: [Character], from start: Int) throws(ConditionSyntaxError) -> (String, Int) {
        var text = ""
        var i = start + 1
        while i < chars.count {
            let c = chars[i]
            if c == "\"" { return (text, i + 1) }
            if c == "\\" {
                guard i + 1 < chars.count else { break }
                switch chars[i + 1] {
                case "\"": text.append("\"")
                case "\\": text.append("\\")
                case "n": text.append("\n")
                case "t": text.append("\t")
                default:
                    throw ConditionSyntaxError(column: i + 1, reason: "unknown escape \"\\\(chars[i + 1])\" (use \\\" \\\\ \\n or \\t)")
                }
                i += 2
                continue
            }
            text.append(c)
            i += 1
        }
        throw ConditionSyntaxError(column: start + 1, reason: "string is not closed with \"")
    }

    private static func number(_ chars: [Character], from start: Int) throws(ConditionSyntaxError) -> (JSONValue, Int) {
        var end = start
        if chars[end] == "-" { end += 1 }
        while end < chars.count, chars[end].isASCII, chars[end].isNumber || chars[end] == "." { end += 1 }
        if end < chars.count, isWordCharacter(chars[end]) {
            throw ConditionSyntaxError(column: start + 1, reason: "a number cannot run into letters (\"\(String(chars[start...end]))…\")")
        }
        let text = String(chars[start..<end])
        let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard !digits.isEmpty, parts.count <= 2, parts.allSatisfy({ !$0.isEmpty }) else {
            throw ConditionSyntaxError(column: start + 1, reason: "\"\(text)\" is not a number")
        }
        if parts.count == 1, let int = Int64(text) { return (.int(int), end) }
        guard let double = Double(text), double.isFinite else {
            throw ConditionSyntaxError(column: start + 1, reason: "\"\(text)\" is not a number")
        }
        return (.double(double), end)
    }
}
