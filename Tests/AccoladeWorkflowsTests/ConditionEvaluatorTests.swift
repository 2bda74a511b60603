import AccoladeCore
import Testing
@testable import AccoladeWorkflows

@Suite("Condition evaluation")
struct ConditionEvaluatorTests {
    static let data: JSONValue = .object([
        "reward": .object([
            "voucher": .object(["amount": .int(150000), "currency": .string("IDR")]),
            "code": .string("RW-7Q2K"),
            "expires_on": .string("2026-12-31"),
        ]),
        "bonus": .object(["amount": .double(50.0), "currency": .string("EUR")]),
        "limit": .object(["amount": .int(100), "currency": .string("EUR")]),
        "same": .object(["amount": .int(50), "currency": .string("EUR")]),
        "usd": .object(["amount": .int(10), "currency": .string("USD")]),
        "count": .int(5),
        "ratio": .double(0.5),
        "tier": .string("gold"),
        "vip": .bool(true),
        "flag": .string("true"),
        "note": .null,
        "tags": .array([.string("sales"), .string("q4")]),
        "items": .array([.int(1), .int(2)]),
        "meta": .object(["a": .int(1)]),
    ])
    static let recipient: JSONValue = .object(["locale": .string("id-ID"), "timezone": .string("Asia/Jakarta")])

    /// Every row: condition, expected truth.
    static let table: [(String, Bool)] = [
        // The example and numbers.
        ("data.reward.voucher.amount >= 100000", true),
        ("data.reward.voucher.amount > 150000", false),
        ("data.count == 5.0", true),
        ("data.count != 5", false),
        ("data.ratio < 1", true),
        ("data.count <= -1", false),
        // Strings, and ISO dates of one form ordered as text.
        ("data.tier == \"gold\"", true),
        ("data.tier < \"silver\"", true),
        ("data.reward.expires_on < \"2027-01-01\"", true),
        ("data.reward.expires_on >= \"2026-12-31\"", true),
        ("recipient.locale == \"id-ID\"", true),
        // Different kinds are never equal nor ordered.
        ("data.count == \"5\"", false),
        ("data.count != \"5\"", true),
        ("data.count < \"9\"", false),
        ("data.count >= \"9\"", false),
        ("data.flag == true", false),
        ("data.vip == true", true),
        // Money: by amount only within one currency.
        ("data.bonus == data.same", true),
        ("data.bonus < data.limit", true),
        ("data.limit > data.bonus", true),
        ("data.bonus < data.usd", false),
        ("data.bonus >= data.usd", false),
        ("data.bonus == data.usd", false),
        ("data.bonus != data.usd", true),
        ("data.bonus > 10", false),
        ("data.bonus.amount > 10", true),
        ("data.bonus.currency == \"EUR\"", true),
        // Missing values: comparisons and in are false; not turns them true.
        ("data.missing == 1", false),
        ("data.missing != 1", false),
        ("data.missing < 1", false),
        ("data.missing >= 1", false),
        ("data.missing == null", false),
        ("data.missing in [1, 2]", false),
        ("data.missing not in [1, 2]", true),
        ("not (data.missing == 1)", true),
        ("data.tier.deeper == 1", false),
        ("data.reward.voucher.amount.x == 1", false),
        ("recipient.name == \"Ana\"", false),
        ("data.missing == data.other_missing", false),
        ("data.count == data.missing", false),
        // null is a value for ==, absent for exists.
        ("data.note == null", true),
        ("data.note != null", false),
        ("exists data.note", false),
        ("exists data.tier", true),
        ("exists data.missing", false),
        ("not exists data.missing", true),
        ("exists data.reward.voucher", true),
        ("exists recipient.timezone", true),
        ("exists recipient.phone", false),
        // in: lists literal or from the data.
        ("data.tier in [\"gold\", \"platinum\"]", true),
        ("data.tier in [\"silver\"]", false),
        ("data.count in [1, 5.0]", true),
        ("\"q4\" in data.tags", true),
        ("\"q1\" in data.tags", false),
        ("data.tier in data.tier", false),
        ("data.tier not in [\"silver\"]", true),
        ("data.items == data.items", true),
        ("data.meta == data.meta", true),
        ("data.meta == data.bonus", false),
        // A value alone is true only when it is the boolean true.
        ("data.vip", true),
        ("data.flag", false),
        ("data.count", false),
        ("data.missing", false),
        ("true", true),
        ("false", false),
        ("null", false),
        // Logic.
        ("data.vip and data.count > 3", true),
        ("data.vip and data.count > 9", false),
        ("data.count > 9 or data.tier == \"gold\"", true),
        ("not data.vip or data.count > 9", false),
        ("(data.count > 9 or data.vip) and not exists data.missing", true),
    ]

    @Test("the evaluation table", arguments: 0..<table.count)
    func row(_ index: Int) throws {
        let (source, expected) = Self.table[index]
        let condition = try Condition(source)
        #expect(condition.holds(data: Self.data, recipient: Self.recipient) == expected, "\(source)")
    }

    @Test("data that is not an object makes every path missing")
    func scalarData() throws {
        #expect(try Condition("exists data.x").holds(data: .string("x"), recipient: .null) == false)
        #expect(try Condition("data.x != 1").holds(data: .array([]), recipient: .null) == false)
    }
}
