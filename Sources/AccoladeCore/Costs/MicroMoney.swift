/// An amount of money as whole millionths of the currency's major unit, with its currency:
/// `0.0415 USD` is `MicroMoney(micros: 41_500, currency: "USD")`.
///
/// Costs and reward values are added up over millions of rows; integers add exactly where
/// `Double` sums drift, and six decimals cover every provider's rate card (Twilio quotes five).
/// Amounts of different currencies are never added: callers keep one total per currency.
public struct MicroMoney: Sendable, Hashable, Codable {
    /// Millionths of the major unit (may be negative only for refunds; Accolade records none).
    public var micros: Int64
    /// An ISO 4217 code (`USD`), or `PTS` for reward points.
    public var currency: String

    /// Creates an amount.
    public init(micros: Int64, currency: String) {
        self.micros = micros
        self.currency = currency
    }

    /// The pseudo-currency of reward points (a reward value given as a plain number).
    public static let points = "PTS"

    /// Micros per major unit.
    public static let scale: Int64 = 1_000_000

    /// Parses a non-negative decimal (`0.0079`, `12`, `1.5`) with at most six decimal places,
    /// exactly (no binary floating point); `nil` for anything else.
    public static func parseMicros(_ text: String) -> Int64? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.count <= 12, whole.allSatisfy(\.isASCIIDigit),
            let wholeValue = Int64(whole)
        else { return nil }
        var fraction: Int64 = 0
        if parts.count == 2 {
            let digits = parts[1]
            guard !digits.isEmpty, digits.count <= 6, digits.allSatisfy(\.isASCIIDigit), let value = Int64(digits) else { return nil }
            fraction = value * pow10(6 - digits.count)
        }
        return wholeValue * scale + fraction
    }

    /// Micros of a JSON number from event data (`50000`, `12.5`), rounded to six decimals; nil
    /// when it is not a finite number or is out of range. A double is read through its shortest
    /// decimal text, so `0.1` is exactly 100 000 micros.
    public static func micros(of value: JSONValue) -> Int64? {
        switch value {
        case .int(let i):
            guard abs(i) <= Int64.max / scale else { return nil }
            return i * scale
        case .double(let d):
            guard d.isFinite, abs(d) < 9e12 else { return nil }
            let negative = d < 0
            let text = "\(abs(d))"
            if text.contains("e") || text.contains("E") {
                return Int64((d * Double(scale)).rounded())
            }
            let parts = text.split(separator: ".", maxSplits: 1)
            let whole = Int64(parts[0]) ?? 0
            var fraction: Int64 = 0
            if parts.count == 2 {
                var digits = String(parts[1].prefix(7))
                while digits.count < 7 { digits += "0" }
                fraction = ((Int64(digits) ?? 0) + 5) / 10
            }
            let value = whole * scale + fraction
            return negative ? -value : value
        default:
            return nil
        }
    }

    /// The amount as a decimal string with the trailing zeros of the fraction dropped
    /// (`0.0415`, `12`, `-3.5`): how JSON and CSV carry money, never as a binary float.
    public var decimalString: String { Self.decimalString(micros) }

    /// `micros` as a decimal string (see ``decimalString``).
    public static func decimalString(_ micros: Int64) -> String {
        let negative = micros < 0
        let magnitude = micros.magnitude
        let whole = magnitude / UInt64(scale)
        var fraction = String(magnitude % UInt64(scale))
        guard fraction != "0" else { return (negative ? "-" : "") + "\(whole)" }
        while fraction.count < 6 { fraction = "0" + fraction }
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return (negative ? "-" : "") + "\(whole).\(fraction)"
    }

    private static func pow10(_ n: Int) -> Int64 {
        var out: Int64 = 1
        for _ in 0..<n { out *= 10 }
        return out
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
