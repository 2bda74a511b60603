import AccoladeCore

/// Recursive-descent parser for conditions.
///
/// ```
/// condition  := or
/// or         := and ("or" and)*
/// and        := not ("and" not)*
/// not        := "not" not | predicate
/// predicate  := "(" or ")" | "exists" path
///             | value [ ("==" | "!=" | "<" | "<=" | ">" | ">=") value | ["not"] "in" value ]
/// value      := number | string | "true" | "false" | "null" | path | "[" [literal ("," literal)*] "]"
/// path       := ("data" | "recipient") ("." key)+
/// ```
/// `and` binds tighter than `or`; `not` applies to the predicate after it.
struct ConditionParser {
    /// How deeply parentheses and `not` may nest: enough for any hand-written condition, and a
    /// bound on the recursion whatever the input.
    static let maxDepth = 32
    /// Recipient fields a condition may read: the fields of ``Recipient``.
    static let recipientFields: Set<String> = ["name", "email", "phone", "whatsapp", "locale", "timezone", "id"]
    static let keywords: Set<String> = ["and", "or", "not", "in", "exists", "true", "false", "null"]

    private let tokens: [ConditionToken]
    private var index = 0
    private var depth = 0

    static func parse(_ source: String) throws(ConditionSyntaxError) -> ConditionExpression {
        var parser = ConditionParser(tokens: try ConditionLexer.tokens(source))
        guard parser.tokens.count > 1 else { throw ConditionSyntaxError(column: 1, reason: "empty condition") }
        let expression = try parser.or()
        let last = parser.peek
        guard case .end = last.kind else {
            throw ConditionSyntaxError(column: last.column, reason: "expected \"and\", \"or\" or the end, found \(describe(last))")
        }
        return expression
    }

    private init(tokens: [ConditionToken]) { self.tokens = tokens }

    private var peek: ConditionToken { tokens[index] }

    private mutating func advance() -> ConditionToken {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    private func isWord(_ word: String) -> Bool {
        if case .word(let w) = peek.kind { return w == word }
        return false
    }

    private mutating func or() throws(ConditionSyntaxError) -> ConditionExpression {
        var left = try and()
        while isWord("or") {
            _ = advance()
            left = .or(left, try and())
        }
        return left
    }

    private mutating func and() throws(ConditionSyntaxError) -> ConditionExpression {
        var left = try not()
        while isWord("and") {
            _ = advance()
            left = .and(left, try not())
        }
        return left
    }

    private mutating func not() throws(ConditionSyntaxError) -> ConditionExpression {
        guard isWord("not") else { return try predicate() }
        let token = advance()
        try enter(token)
        defer { depth -= 1 }
        return .not(try not())
    }

    private mutating func enter(_ token: ConditionToken) throws(ConditionSyntaxError) {
        depth += 1
        if depth > Self.maxDepth {
            throw ConditionSyntaxError(column: token.column, reason: "nested more than \(Self.maxDepth) levels deep")
        }
    }

    private mutating func predicate() throws(ConditionSyntaxError) -> ConditionExpression {
        if case .leftParen = peek.kind {
            let open = advance()
            try enter(open)
            defer { depth -= 1 }
            let inner = try or()
            guard case .rightParen = peek.kind else {
                throw ConditionSyntaxError(column: peek.column, reason: "expected \")\" to close the \"(\" at column \(open.column), found \(Self.describe(peek))")
            }
            _ = advance()
            return inner
        }
        if isWord("exists") {
            _ = advance()
            let token = advance()
            guard case .word(let word) = token.kind, !Self.keywords.contains(word) else {
                throw ConditionSyntaxError(column: token.column, reason: "expected a path such as data.note after \"exists\", found \(Self.describe(token))")
            }
            return .exists(try Self.path(word, column: token.column))
        }
        let left = try value()
        switch peek.kind {
        case .op(let op):
            _ = advance()
            return .comparison(left, op, try value())
        case .word("in"):
            _ = advance()
            return .membership(left, try listOperand())
        case .word("not"):
            let notToken = advance()
            guard isWord("in") else {
                throw ConditionSyntaxError(column: notToken.column, reason: "\"not\" after a value must be followed by \"in\"; write \"not (…)\" to negate")
            }
            _ = advance()
            return .not(.membership(left, try listOperand()))
        default:
            return left
        }
    }

    private mutating func listOperand() throws(ConditionSyntaxError) -> ConditionExpression {
        let start = peek
        let operand = try value()
        switch operand {
        case .path, .literal(.array): return operand
        default:
            throw ConditionSyntaxError(column: start.column, reason: "expected a list such as [\"gold\", \"platinum\"] or a path after \"in\", found \(Self.describe(start))")
        }
    }

    private mutating func value() throws(ConditionSyntaxError) -> ConditionExpression {
        let token = advance()
        switch token.kind {
        case .number(let n): return .literal(n)
        case .string(let s): return .literal(.string(s))
        case .leftBracket:
            var items: [JSONValue] = []
            if case .rightBracket = peek.kind {
                _ = advance()
                return .literal(.array(items))
            }
            while true {
                let item = advance()
                switch item.kind {
                case .number(let n): items.append(n)
                case .string(let s): items.append(.string(s))
                case .word("true"): items.append(.bool(true))
                case .word("false"): items.append(.bool(false))
                case .word("null"): items.append(.null)
                default:
                    throw ConditionSyntaxError(column: item.column, reason: "a list holds numbers, strings, true, false or null; found \(Self.describe(item))")
                }
                let separator = advance()
                switch separator.kind {
                case .comma: continue
                case .rightBracket: return .literal(.array(items))
                default:
                    throw ConditionSyntaxError(column: separator.column, reason: "expected \",\" or \"]\" in the list, found \(Self.describe(separator))")
                }
            }
        case .word("true"): return .literal(.bool(true))
        case .word("false"): return .literal(.bool(false))
        case .word("null"): return .literal(.null)
        case .word(let word) where !Self.keywords.contains(word):
            return .path(try Self.path(word, column: token.column))
        default:
            throw ConditionSyntaxError(column: token.column, reason: "expected a value (a path such as data.amount, a number, a \"string\", true, false, null or a list), found \(Self.describe(token))")
        }
    }

    /// Checks a dotted word as a path: `data.` or `recipient.` and non-empty keys.
    static func path(_ word: String, column: Int) throws(ConditionSyntaxError) -> DataPath {
        let parts = word.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let root = DataPath.Root(rawValue: parts[0]) else {
            throw ConditionSyntaxError(
                column: column, reason: "unknown name \"\(word)\": a path starts with data. or recipient., strings take double quotes")
        }
        let keys = Array(parts.dropFirst())
        guard !keys.isEmpty else {
            throw ConditionSyntaxError(column: column, reason: "\"\(word)\" needs a key, e.g. \(root == .data ? "data.reward.code" : "recipient.locale")")
        }
        if let empty = keys.firstIndex(where: \.isEmpty) {
            let offset = parts[0...empty].map(\.count).reduce(0, +) + empty + 1
            throw ConditionSyntaxError(column: column + offset, reason: "empty key in path \"\(word)\"")
        }
        if root == .recipient {
            guard keys.count == 1, recipientFields.contains(keys[0]) else {
                throw ConditionSyntaxError(
                    column: column, reason: "unknown recipient field \"\(word)\"; use one of \(recipientFields.sorted().map { "recipient.\($0)" }.joined(separator: ", "))")
            }
        }
        return DataPath(root: root, keys: keys)
    }

    static func describe(_ token: ConditionToken) -> String {
        switch token.kind {
        case .number(let n): return "number \(n.conditionText)"
        case .string(let s): return "string \"\(s.prefix(40))\""
        case .word(let w): return "\"\(w.prefix(40))\""
        case .op(let op): return "\"\(op.rawValue)\""
        case .leftParen: return "\"(\""
        case .rightParen: return "\")\""
        case .leftBracket: return "\"[\""
        case .rightBracket: return "\"]\""
        case .comma: return "\",\""
        case .end: return "the end of the condition"
        }
    }
}

extension JSONValue {
    /// The value as a condition literal would spell it (for messages).
    var conditionText: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .string(let s): return "\"\(s)\""
        case .array(let a): return "[" + a.map(\.conditionText).joined(separator: ", ") + "]"
        case .object: return "{…}"
        }
    }
}
