import AccoladeCore
import Testing
@testable import AccoladeWorkflows

@Suite("Condition parser")
struct ConditionParserTests {
    @Test("the issue's example parses to a comparison of a data path with a number")
    func example() throws {
        let condition = try Condition("data.reward.voucher.amount >= 100000")
        #expect(condition.expression == .comparison(.path(DataPath(root: .data, keys: ["reward", "voucher", "amount"])), .greaterOrEqual, .literal(.int(100000))))
    }

    @Test("precedence: not binds to its predicate, and before or; parentheses group")
    func precedence() throws {
        let a = ConditionExpression.comparison(.path(DataPath(root: .data, keys: ["a"])), .equal, .literal(.int(1)))
        let b = ConditionExpression.exists(DataPath(root: .data, keys: ["b"]))
        let c = ConditionExpression.comparison(.path(DataPath(root: .recipient, keys: ["locale"])), .equal, .literal(.string("id")))
        #expect(try Condition("data.a == 1 or exists data.b and recipient.locale == \"id\"").expression == .or(a, .and(b, c)))
        #expect(try Condition("(data.a == 1 or exists data.b) and recipient.locale == \"id\"").expression == .and(.or(a, b), c))
        #expect(try Condition("not data.a == 1 and exists data.b").expression == .and(.not(a), b))
        #expect(try Condition("not not exists data.b").expression == .not(.not(b)))
    }

    @Test("literals: integers, decimals, negatives, strings with escapes, booleans, null, lists")
    func literals() throws {
        let x = ConditionExpression.path(DataPath(root: .data, keys: ["x"]))
        let cases: [(String, ConditionExpression)] = [
            ("data.x == -5", .comparison(x, .equal, .literal(.int(-5)))),
            ("data.x < 2.5", .comparison(x, .less, .literal(.double(2.5)))),
            ("data.x != \"a \\\"b\\\" \\\\ c\"", .comparison(x, .notEqual, .literal(.string("a \"b\" \\ c")))),
            ("data.x == true", .comparison(x, .equal, .literal(.bool(true)))),
            ("data.x == null", .comparison(x, .equal, .literal(.null))),
            ("data.x in [1, \"two\", false, null]", .membership(x, .literal(.array([.int(1), .string("two"), .bool(false), .null])))),
            ("data.x in []", .membership(x, .literal(.array([])))),
            ("data.x not in data.list", .not(.membership(x, .path(DataPath(root: .data, keys: ["list"]))))),
            ("data.x", x),
            ("data.reward-tier.expires_on > \"2026-01-01\"",
             .comparison(.path(DataPath(root: .data, keys: ["reward-tier", "expires_on"])), .greater, .literal(.string("2026-01-01")))),
        ]
        for (source, expected) in cases {
            #expect(try Condition(source).expression == expected, "\(source)")
        }
    }

    @Test("syntax errors name the column and what was expected")
    func errors() {
        let cases: [(String, Int, String)] = [
            ("", 1, "empty condition"),
            ("data.amount >= ", 16, "expected a value"),
            ("data.amount = 5", 13, "\"==\" compares"),
            ("data.amount >= 100 and", 23, "expected a value"),
            ("data.amount >= 100 amount", 20, "expected \"and\", \"or\" or the end"),
            ("amount >= 100", 1, "a path starts with data. or recipient."),
            ("data >= 100", 1, "needs a key"),
            ("data..x == 1", 6, "empty key"),
            ("recipient.phone_number == \"x\"", 1, "unknown recipient field"),
            ("data.tier == 'gold'", 14, "double quotes"),
            ("data.tier == \"gold", 14, "not closed"),
            ("(data.a == 1", 13, "expected \")\" to close the \"(\" at column 1"),
            ("data.a in 5", 11, "expected a list"),
            ("data.a in [1, data.b]", 15, "a list holds"),
            ("data.a in [1 2]", 14, "expected \",\" or \"]\""),
            ("exists 5", 8, "expected a path"),
            ("data.a not 5", 8, "must be followed by \"in\""),
            ("data.a == 12abc", 11, "cannot run into letters"),
            ("data.a == 1.2.3", 11, "is not a number"),
            ("data.a == \"x\\q\"", 13, "unknown escape"),
            ("data.a == 1 # comment", 13, "unexpected character"),
            ("data.a ! 1", 8, "use \"not\""),
        ]
        for (source, column, fragment) in cases {
            do {
                _ = try Condition(source)
                Issue.record("\(source) parsed")
            } catch {
                #expect(error.column == column, "\(source): \(error)")
                #expect(error.reason.contains(fragment), "\(source): \(error)")
            }
        }
    }

    @Test("length and depth are bounded")
    func bounds() {
        let long = "data.a == \"" + String(repeating: "x", count: 1_000) + "\""
        #expect(throws: ConditionSyntaxError.self) { try Condition(long) }
        let deep = String(repeating: "(", count: 40) + "data.a == 1" + String(repeating: ")", count: 40)
        do {
            _ = try Condition(deep)
            Issue.record("40 levels parsed")
        } catch {
            #expect(error.column == 33 && error.reason.contains("nested more than 32"), "\(error)")
        }
        let manyNots = String(repeating: "not ", count: 40) + "exists data.a"
        #expect(throws: ConditionSyntaxError.self) { try Condition(manyNots) }
        // 32 levels are fine.
        #expect(throws: Never.self) { try Condition(String(repeating: "(", count: 32) + "data.a == 1" + String(repeating: ")", count: 32)) }
    }
}
