/// How one Foundation number format writes a non-negative number: affixes, separators and
/// grouping, learned once from Foundation's own output and then applied by hand.
///
/// Why: Foundation's format styles cost several microseconds per call on Linux, and every
/// personalised message carries a different amount, so results cannot be cached. Writing the
/// digits by hand costs a fraction of a microsecond. Exactness is kept by construction:
/// ``learn(minimumFraction:maximumFraction:icu:)`` only returns a layout that reproduced
/// Foundation's output for every probe value (grouping thresholds, rounding ties, carries), and
/// ``format(_:)`` declines values outside what the probes cover (negative, non-finite,
/// 10^15 and above, or too small for plain decimal notation) so the caller asks Foundation instead.
///
/// Rounding matches ICU under Foundation: half-even, applied to the shortest decimal
/// representation of the double (what ICU's `DecimalQuantity` rounds), not to its exact binary value.
struct NumberLayout: Sendable, Equatable {
    /// Text before the digits (`Rp`, `$`, `KWD\u{A0}`), exactly as Foundation writes it.
    var prefix: String
    /// Text after the digits (` €`).
    var suffix: String
    /// Separator between digit groups (`.` in `id`, `,` in `en`).
    var groupSeparator: String
    /// Separator before the fraction (`,` in `id`); empty when no fraction is ever shown.
    var decimalSeparator: String
    /// Size of the group nearest the decimal separator (3); 0 means no grouping.
    var primaryGroup: Int
    /// Size of the other groups (3, or 2 for Indian-style grouping).
    var secondaryGroup: Int
    /// Integer digits beyond ``primaryGroup`` needed before any grouping happens (CLDR's
    /// minimum grouping digits: 2 in `es`, so `1234` but `12.345`).
    var minimumGrouping: Int
    /// Fraction digits always shown (2 for money, 0 for plain numbers).
    var minimumFraction: Int
    /// Fraction digits at most (rounded half-even beyond).
    var maximumFraction: Int

    /// Largest magnitude formatted by hand: below it every integer part is exact in a `Double`.
    static let limit = 1e15

    /// Formats `value`, or returns `nil` when it must go to ICU.
    func format(_ value: Double) -> String? {
        guard value.isFinite, value.sign == .plus, value < Self.limit, var digits = DecimalDigits(value) else { return nil }
        digits.round(toFractionDigits: maximumFraction)
        digits.fitFraction(minimum: minimumFraction)
        return assemble(digits)
    }

    /// Formats a whole number, or returns `nil` when it must go to ICU (negative or 10^15 and above).
    func format(_ value: Int64) -> String? {
        guard value >= 0, Double(value) < Self.limit else { return nil }
        var digits = DecimalDigits(integer: Array(String(value).utf8), fraction: [])
        digits.fitFraction(minimum: minimumFraction)
        return assemble(digits)
    }

    private func assemble(_ digits: DecimalDigits) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(prefix.utf8.count + suffix.utf8.count + digits.integer.count * 2 + digits.fraction.count + 4)
        out.append(contentsOf: prefix.utf8)
        let count = digits.integer.count
        let grouped = primaryGroup > 0 && count - primaryGroup >= minimumGrouping
        for (index, digit) in digits.integer.enumerated() {
            // `position` counts digits from the decimal separator: 0 is the units digit.
            let position = count - 1 - index
            if grouped, index > 0, position + 1 >= primaryGroup, (position + 1 - primaryGroup) % secondaryGroup == 0 {
                out.append(contentsOf: groupSeparator.utf8)
            }
            out.append(digit)
        }
        if !digits.fraction.isEmpty {
            out.append(contentsOf: decimalSeparator.utf8)
            out.append(contentsOf: digits.fraction)
        }
        out.append(contentsOf: suffix.utf8)
        return String(decoding: out, as: UTF8.self)
    }
}

extension NumberLayout {
    /// Values every learned layout must reproduce exactly: grouping thresholds at each digit
    /// count, rounding ties (even and odd neighbours), carries into a new digit, and doubles
    /// whose shortest form differs from their binary value (`2.675`, `1.005`).
    static let probes: [Double] = {
        var values: [Double] = [
            0, 1, 7, 12, 99, 123, 999, 1000, 1234, 9999, 10000, 12345, 99999, 100000, 123456, 999999, 1000000,
            1234567, 12345678, 123456789, 1234567890, 98765432101, 999999999999, 123456789012345, 999999999999999,
            0.5, 0.05, 0.005, 0.015, 0.025, 0.125, 0.375, 1.005, 2.675, 1.115, 1.125, 0.1 + 0.2, 1234.5, 1234.56,
            1234.565, 1234.575, 999.995, 9999.999, 99999.5, 50000.5, 1.5, 2.5, 0.0001, 0.25, 1.0000005, 1.0000015,
            3.14159265358979, 123456.7890125, 0.000125, 1e14 + 0.5, 4503599627370495.5 / 8,
            // Ties and carries at three and four fraction digits (KWD, TND, CLF).
            0.0005, 0.0015, 0.0025, 0.00005, 0.00015, 1.2345, 1234.5675, 9.9995, 999.99995, 0.12345,
        ]
        // Deterministic pseudo-random amounts with 0–7 decimals, to cover what the list misses.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for index in 0..<64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let whole = Double((state >> 20) % 10_000_000_000)
            let scale = [1.0, 10, 100, 1000, 10000, 100_000, 1_000_000, 10_000_000][index % 8]
            values.append(whole / scale)
        }
        return values
    }()

    /// Learns the layout of `icu` (a Foundation format with these fraction limits) from a
    /// sample value, and returns it only if it reproduces `icu` for every value in ``probes``;
    /// `nil` means: keep using Foundation for this format.
    static func learn(minimumFraction: Int, maximumFraction: Int, icu: (Double) -> String?) -> NumberLayout? {
        // The sample shows as many fraction digits as the format always writes (`.123` for
        // KWD), or two when they are optional, so its last digit run is recognisably the fraction.
        let fraction = String("1234".prefix(minimumFraction > 0 ? minimumFraction : min(maximumFraction, 2)))
        guard minimumFraction <= 4, let sample = Double(fraction.isEmpty ? "1234567890" : "1234567890." + fraction), let text = icu(sample),
            let shape = Shape(text, fraction: fraction.isEmpty ? nil : fraction)
        else { return nil }
        let integerRuns = shape.integerRuns
        guard integerRuns.joined() == "1234567890" else { return nil }
        let groupSeparators = Set(shape.separators.prefix(integerRuns.count - 1))
        guard groupSeparators.count <= 1 else { return nil }
        let primary = integerRuns.count > 1 ? integerRuns[integerRuns.count - 1].count : 0
        let secondary = integerRuns.count > 2 ? integerRuns[integerRuns.count - 2].count : max(primary, 1)
        // Try the minimum grouping digits CLDR uses (1 almost everywhere, 2 in es/pl/pt-PT, …).
        for minimumGrouping in 1...3 {
            let layout = NumberLayout(
                prefix: shape.prefix, suffix: shape.suffix, groupSeparator: groupSeparators.first ?? "",
                decimalSeparator: shape.decimalSeparator ?? "", primaryGroup: primary, secondaryGroup: secondary,
                minimumGrouping: minimumGrouping, minimumFraction: minimumFraction, maximumFraction: maximumFraction)
            if layout.reproduces(icu) { return layout }
        }
        return nil
    }

    /// Whether every probe the layout formats comes out exactly as ICU writes it.
    func reproduces(_ icu: (Double) -> String?) -> Bool {
        for value in Self.probes {
            guard let fast = format(value) else { continue }
            guard fast == icu(value) else { return false }
        }
        return true
    }

    /// A formatted probe split at its ASCII digits.
    private struct Shape {
        var prefix: String
        var suffix: String
        var integerRuns: [String]
        var separators: [String]
        var decimalSeparator: String?

        /// `fraction`: the fraction digits the sample shows, `nil` when it shows none.
        init?(_ text: String, fraction: String?) {
            let scalars = Array(text.unicodeScalars)
            func isDigit(_ s: Unicode.Scalar) -> Bool { s.value >= 48 && s.value <= 57 }
            guard let first = scalars.firstIndex(where: isDigit), let last = scalars.lastIndex(where: isDigit) else { return nil }
            func string(_ slice: ArraySlice<Unicode.Scalar>) -> String {
                var view = String.UnicodeScalarView()
                view.append(contentsOf: slice)
                return String(view)
            }
            prefix = string(scalars[..<first])
            suffix = string(scalars[(last + 1)...])
            var runs: [String] = []
            var separators: [String] = []
            var index = first
            while index <= last {
                let digit = isDigit(scalars[index])
                var end = index
                while end <= last, isDigit(scalars[end]) == digit { end += 1 }
                if digit { runs.append(string(scalars[index..<end])) } else { separators.append(string(scalars[index..<end])) }
                index = end
            }
            if let fraction {
                guard runs.count >= 2, runs.last == fraction, let decimal = separators.last else { return nil }
                runs.removeLast()
                separators.removeLast()
                decimalSeparator = decimal
            } else {
                decimalSeparator = nil
            }
            guard separators.count == runs.count - 1 else { return nil }
            integerRuns = runs
            self.separators = separators
        }
    }
}
