import AccoladeCore

/// A parsed `if:` condition: the source text and its syntax tree, ready to evaluate.
///
/// Conditions are data, never code: the grammar has literals, paths into `data` and
/// `recipient`, comparisons, `in`, `exists`, `and`/`or`/`not` and parentheses, and nothing that
/// calls, loops or assigns, so evaluating one is bounded by its (bounded) length.
public struct Condition: Sendable, Hashable, CustomStringConvertible {
    /// The text as written in the workflow file.
    public let source: String
    /// The syntax tree.
    public let expression: ConditionExpression

    /// Parses `source`; a ``ConditionSyntaxError`` names the column (1-based, in characters).
    public init(_ source: String) throws(ConditionSyntaxError) {
        self.source = source
        self.expression = try ConditionParser.parse(source)
    }

    /// Whether the condition holds for this event data and recipient (see ``ConditionEvaluator``).
    public func holds(data: JSONValue, recipient: JSONValue) -> Bool {
        ConditionEvaluator(data: data, recipient: recipient).truth(expression)
    }

    /// The source text.
    public var description: String { source }
}

/// The syntax tree of a condition.
public indirect enum ConditionExpression: Sendable, Hashable {
    /// A literal value: number, string, `true`, `false`, `null` or a list of literals.
    case literal(JSONValue)
    /// A value read from the event (`data.…`) or the recipient (`recipient.…`).
    case path(DataPath)
    /// `left op right`.
    case comparison(ConditionExpression, ComparisonOperator, ConditionExpression)
    /// `value in list` (a list literal or a path to a list).
    case membership(ConditionExpression, ConditionExpression)
    /// `exists path`: the path is present and not `null`.
    case exists(DataPath)
    /// `not x`.
    case not(ConditionExpression)
    /// `a and b`.
    case and(ConditionExpression, ConditionExpression)
    /// `a or b`.
    case or(ConditionExpression, ConditionExpression)
}

/// `==`, `!=`, `<`, `<=`, `>`, `>=`.
public enum ComparisonOperator: String, Sendable, Hashable, CaseIterable {
    /// `==`: same kind and value (numbers by value, money by currency and amount).
    case equal = "=="
    /// `!=`: both values present and not `==`.
    case notEqual = "!="
    /// `<`: numbers, strings, or money of one currency.
    case less = "<"
    /// `<=`.
    case lessOrEqual = "<="
    /// `>`.
    case greater = ">"
    /// `>=`.
    case greaterOrEqual = ">="
}

/// A condition that does not parse, with the 1-based column (in characters) where it went wrong.
public struct ConditionSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Column of the offending character or token, counting from 1.
    public var column: Int
    /// What was expected or found.
    public var reason: String

    /// Creates an error.
    public init(column: Int, reason: String) {
        self.column = column
        self.reason = reason
    }

    /// `column 27: expected …`.
    public var description: String { "column \(column): \(reason)" }
}
