import AccoladeCore

/// Evaluates a condition over event data and the recipient. Pure and total: every input gives
/// `true` or `false`, never an error, because the data is only known when a run starts.
///
/// The rules (each a row of `ConditionEvaluatorTests`):
/// - A path that is missing (a key absent, or a step through something that is not an object)
///   has no value. A comparison (`==`, `!=`, `<`, …) or `in` with a missing value on either side
///   is **false**. `not` negates whatever its operand gave, so `not (data.tier == "gold")` and
///   `data.tier not in [...]` are true when `data.tier` is missing.
/// - `exists data.note` is true when the path is present and not `null`.
/// - `==` / `!=`: numbers compare by value (`50 == 50.0`), strings, booleans and `null` with
///   their own kind, lists item by item, money objects (`{"amount", "currency"}`) when both
///   currency and amount match, other objects key by key. Values of different kinds are not
///   equal (`50 != "50"`).
/// - `<`, `<=`, `>`, `>=`: numbers with numbers, strings with strings (by Unicode code points,
///   so ISO dates of the same form order by time), and money with money **of the same
///   currency** by amount. Anything else (money in different currencies, a number with a
///   string) is false both ways.
/// - `in`: the left value equals (as `==`) some item of the list on the right; a right side that
///   is not a list gives false.
/// - A value alone (`data.vip`) is true only when it is the boolean `true`.
struct ConditionEvaluator {
    let data: JSONValue
    let recipient: JSONValue

    func truth(_ expression: ConditionExpression) -> Bool {
        switch expression {
        case .literal, .path:
            return value(expression) == .bool(true)
        case .comparison(let l, let op, let r):
            guard let left = value(l), let right = value(r) else { return false }
            return Self.compare(left, op, right)
        case .membership(let l, let r):
            guard let left = value(l), case .array(let items)? = value(r) else { return false }
            return items.contains { Self.equal(left, $0) }
        case .exists(let path):
            guard let v = resolve(path) else { return false }
            return v != .null
        case .not(let inner): return !truth(inner)
        case .and(let l, let r): return truth(l) && truth(r)
        case .or(let l, let r): return truth(l) || truth(r)
        }
    }

    func value(_ expression: ConditionExpression) -> JSONValue? {
        switch expression {
        case .literal(let v): return v
        case .path(let p): return resolve(p)
        default: return .bool(truth(expression))
        }
    }

    func resolve(_ path: DataPath) -> JSONValue? {
        var current: JSONValue = path.root == .data ? data : recipient
        for key in path.keys {
            guard case .object(let object) = current, let next = object[key] else { return nil }
            current = next
        }
        return current
    }

    static func compare(_ left: JSONValue, _ op: ComparisonOperator, _ right: JSONValue) -> Bool {
        switch op {
        case .equal: return equal(left, right)
        case .notEqual: return !equal(left, right)
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            guard let order = order(left, right) else { return false }
            switch op {
            case .less: return order < 0
            case .lessOrEqual: return order <= 0
            case .greater: return order > 0
            default: return order >= 0
            }
        }
    }

    static func equal(_ left: JSONValue, _ right: JSONValue) -> Bool {
        switch (left, right) {
        case (.int(let a), .int(let b)): return a == b
        case (.int, .double), (.double, .int), (.double, .double): return left.doubleValue == right.doubleValue
        case (.string(let a), .string(let b)): return a == b
        case (.bool(let a), .bool(let b)): return a == b
        case (.null, .null): return true
        case (.array(let a), .array(let b)): return a.count == b.count && zip(a, b).allSatisfy { equal($0, $1) }
        case (.object(let a), .object(let b)):
            if let x = Money(a), let y = Money(b) { return x.currency == y.currency && x.amount == y.amount }
            return a.count == b.count && a.allSatisfy { key, value in b[key].map { equal(value, $0) } ?? false }
        default: return false
        }
    }

    /// -1, 0 or 1 when the two values are ordered; `nil` when they cannot be compared.
    static func order(_ left: JSONValue, _ right: JSONValue) -> Int? {
        switch (left, right) {
        case (.int(let a), .int(let b)): return a < b ? -1 : (a == b ? 0 : 1)
        case (.int, .double), (.double, .int), (.double, .double):
            guard let a = left.doubleValue, let b = right.doubleValue else { return nil }
            return a < b ? -1 : (a == b ? 0 : 1)
        case (.string(let a), .string(let b)):
            let x = Array(a.unicodeScalars.map(\.value)), y = Array(b.unicodeScalars.map(\.value))
            return x.lexicographicallyPrecedes(y) ? -1 : (x == y ? 0 : 1)
        case (.object(let a), .object(let b)):
            guard let x = Money(a), let y = Money(b), x.currency == y.currency else { return nil }
            return x.amount < y.amount ? -1 : (x.amount == y.amount ? 0 : 1)
        default: return nil
        }
    }
}
