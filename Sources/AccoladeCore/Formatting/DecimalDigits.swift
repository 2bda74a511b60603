/// A non-negative number as ASCII decimal digits, rounded the way ICU rounds.
///
/// Built from a `Double`'s shortest round-trip representation (Swift's `description`, the
/// same digits ICU's double-conversion produces), because ICU rounds that decimal form, not
/// the binary value: `2.675` shows as `2.68` at two digits although the double is 2.67499….
struct DecimalDigits: Equatable {
    /// Integer digits without leading zeros (`"0"` for values below one).
    var integer: [UInt8]
    /// Fraction digits, possibly with trailing zeros.
    var fraction: [UInt8]

    init(integer: [UInt8], fraction: [UInt8]) {
        self.integer = integer
        self.fraction = fraction
    }

    /// The digits of a finite non-negative `value` below 10^15, or `nil` when its shortest form
    /// uses exponent notation (very small values): ICU handles those.
    init?(_ value: Double) {
        guard value.isFinite, value >= 0, value < 1e15 else { return nil }
        if value.rounded(.towardZero) == value {
            integer = Array(String(Int64(value)).utf8)
            fraction = []
            return
        }
        let text = value.description.utf8
        guard !text.contains(UInt8(ascii: "e")), let dot = text.firstIndex(of: UInt8(ascii: ".")) else { return nil }
        integer = Array(text[..<dot])
        fraction = Array(text[text.index(after: dot)...])
    }

    /// Rounds half-even to at most `digits` fraction digits.
    mutating func round(toFractionDigits digits: Int) {
        guard fraction.count > digits else { return }
        let next = fraction[digits]
        let zero = UInt8(ascii: "0")
        let up: Bool
        if next != UInt8(ascii: "5") {
            up = next > UInt8(ascii: "5")
        } else if fraction[(digits + 1)...].contains(where: { $0 != zero }) {
            up = true
        } else {
            // An exact tie: round to the even neighbour.
            let last = digits > 0 ? fraction[digits - 1] : integer[integer.count - 1]
            up = (last - zero) % 2 == 1
        }
        fraction.removeSubrange(digits...)
        if up { increment() }
    }

    /// Pads the fraction with zeros to `minimum` digits and drops trailing zeros beyond it.
    mutating func fitFraction(minimum: Int) {
        while fraction.count < minimum { fraction.append(UInt8(ascii: "0")) }
        while fraction.count > minimum, fraction.last == UInt8(ascii: "0") { fraction.removeLast() }
    }

    /// Adds one unit in the last kept place, carrying leftwards (`9.99` → `10.00`).
    private mutating func increment() {
        var index = fraction.count - 1
        while index >= 0 {
            if fraction[index] == UInt8(ascii: "9") {
                fraction[index] = UInt8(ascii: "0")
                index -= 1
            } else {
                fraction[index] += 1
                return
            }
        }
        index = integer.count - 1
        while index >= 0 {
            if integer[index] == UInt8(ascii: "9") {
                integer[index] = UInt8(ascii: "0")
                index -= 1
            } else {
                integer[index] += 1
                return
            }
        }
        integer.insert(UInt8(ascii: "1"), at: 0)
    }
}
