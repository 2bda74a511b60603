import Foundation

/// Locale-aware formatting of the values templates show: money, plain numbers and dates.
///
/// One instance serves one (locale, time zone) pair and is shared by every render that needs
/// that pair (see ``FormatterCache``). Foundation's `NumberFormatter` and `DateFormatter` are
/// costly to create, are not thread-safe, and rebuild their ICU object whenever a
/// property changes, so each instance configures one formatter per format
/// (per currency and fraction-digit count) once, never changes it, and uses it under a lock.
///
/// Money and numbers differ in every personalised message, so a cache of results does not
/// help them: they are written by hand from a ``NumberLayout`` learned once per format from
/// ICU's own output and verified against it; values a layout does
/// not cover, and formats no layout reproduces, go through ICU. Dates repeat (a campaign has
/// few expiry dates), so their ICU results are memoised in a bounded table.
///
/// Rules (README-ready):
/// - **Money** `{"amount": 50000, "currency": "IDR"}` (amount in major units) renders as the
///   locale's currency format: `Rp 50.000` (id), `50,00 €` (de), `$50.00` (en). Currencies
///   whose cash practice has no minor unit (``zeroDecimalCurrencies``) show no decimals when
///   the amount is whole. A letter symbol glued to the digits (`Rp50.000`) gets a space.
/// - **Numbers** are grouped per locale: `1.250` (id, de), `1,250` (en). Spanish groups only
///   from five digits (`1250`, `12.500`), as CLDR specifies.
/// - **Dates** are ISO-8601 strings: a calendar date `2026-12-31` shows as that day whatever
///   the time zone; an instant `2026-12-31T17:00:00Z` (or with an offset) is shown in the
///   recipient's time zone. Medium style: `31 Des 2026` (id), `31.12.2026` (de),
///   `Dec 31, 2026` (en), `31 dic 2026` (es).
/// - No-break spaces (U+00A0, U+202F) become plain spaces: they would force UCS-2 in an SMS.
public final class LocaleFormatter: @unchecked Sendable {
    /// The locale identifier the formatter was made for (`id-ID`).
    public let localeIdentifier: String
    /// The time zone instants are shown in.
    public let timeZone: TimeZone

    // Everything below is guarded by `lock`; Foundation formatters are not thread-safe.
    private let lock = NSLock()
    private let locale: Locale
    private var decimal: NumberFormat?
    private var currency: [CurrencyKey: NumberFormat] = [:]
    private let mediumDate: DateFormatter
    private let mediumDateTime: DateFormatter
    private let calendarDate: DateFormatter
    private var memo: [MemoKey: String] = [:]

    /// Upper bound of memoised results; the table is emptied when it fills (cheap, rare).
    static let memoLimit = 4096

    private enum MemoKey: Hashable {
        case money(Double, String)
        case integer(Int64)
        case double(Double)
        case date(String)
        case dateTime(String)
    }

    private struct CurrencyKey: Hashable {
        var code: String
        var fractionDigits: Int
    }

    /// One ICU format, configured once and never changed, plus its hand-written layout when
    /// one reproduces it.
    private final class NumberFormat {
        let icu: NumberFormatter
        let layout: NumberLayout?

        init(_ icu: NumberFormatter, layout: NumberLayout?) {
            self.icu = icu
            self.layout = layout
        }
    }

    /// Currencies shown without decimals when the amount is whole, because cash practice
    /// in their countries has no minor unit (ISO 4217 may still list two digits).
    public static let zeroDecimalCurrencies: Set<String> = [
        "BIF", "CLP", "COP", "DJF", "GNF", "HUF", "IDR", "ISK", "JPY", "KMF", "KRW", "LAK", "MGA",
        "PYG", "RWF", "TWD", "UGX", "UZS", "VND", "VUV", "XAF", "XOF", "XPF",
    ]

    /// Creates a formatter for a BCP 47 locale (`id-ID`, `de`) and a time zone.
    public init(locale identifier: String, timeZone: TimeZone) {
        self.localeIdentifier = identifier
        self.timeZone = timeZone
        let locale = Locale(identifier: identifier.replacingOccurrences(of: "-", with: "_"))
        self.locale = locale

        mediumDate = DateFormatter()
        mediumDate.locale = locale
        mediumDate.dateStyle = .medium
        mediumDate.timeStyle = .none
        mediumDate.timeZone = timeZone

        mediumDateTime = DateFormatter()
        mediumDateTime.locale = locale
        mediumDateTime.dateStyle = .medium
        mediumDateTime.timeStyle = .short
        mediumDateTime.timeZone = timeZone

        // A calendar date is the same day everywhere: format it in UTC, where it was parsed.
        calendarDate = DateFormatter()
        calendarDate.locale = locale
        calendarDate.dateStyle = .medium
        calendarDate.timeStyle = .none
        calendarDate.timeZone = TimeZone(identifier: "UTC")
    }

    /// Formats an amount in major units of an ISO 4217 currency (`50000`, `IDR` → `Rp 50.000` in `id`).
    public func money(amount: Double, currency code: String) -> String {
        let whole = amount.rounded() == amount
        let fractionDigits = whole && Self.zeroDecimalCurrencies.contains(code) ? 0 : 2
        let format = withLock { currencyFormat(code, fractionDigits: fractionDigits) }
        if let fast = format.layout?.format(amount) { return fast }
        return withLock {
            memoisedLocked(.money(amount, code)) { Self.icuMoney(format.icu, amount, code) }
        }
    }

    /// Formats a whole number with the locale's grouping (`1250` → `1.250` in `id`).
    public func number(_ value: Int64) -> String {
        let format = withLock { decimalFormat() }
        if let fast = format.layout?.format(value) { return fast }
        return withLock {
            memoisedLocked(.integer(value)) { format.icu.string(from: NSNumber(value: value)) ?? String(value) }
        }
    }

    /// Formats a decimal number with the locale's grouping and decimal separator.
    public func number(_ value: Double) -> String {
        let format = withLock { decimalFormat() }
        if let fast = format.layout?.format(value) { return fast }
        return withLock {
            memoisedLocked(.double(value)) { format.icu.string(from: NSNumber(value: value)) ?? String(value) }
        }
    }

    /// Formats an ISO-8601 date or date-time as a medium-style date, or `nil` when it does not parse.
    public func date(_ iso: String) -> String? {
        memoisedOptional(.date(iso)) {
            switch ISODate.parse(iso) {
            case .calendarDay(let day): return calendarDate.string(from: day)
            case .instant(let instant): return mediumDate.string(from: instant)
            case nil: return nil
            }
        }
    }

    /// Formats an ISO-8601 date-time as medium date plus short time in ``timeZone``; a calendar
    /// date shows as a date only. `nil` when it does not parse.
    public func dateTime(_ iso: String) -> String? {
        memoisedOptional(.dateTime(iso)) {
            switch ISODate.parse(iso) {
            case .calendarDay(let day): return calendarDate.string(from: day)
            case .instant(let instant): return mediumDateTime.string(from: instant)
            case nil: return nil
            }
        }
    }

    // MARK: - Helpers

    private func withLock<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    /// The format for `code` with exactly `fractionDigits` decimals; call under `lock`.
    private func currencyFormat(_ code: String, fractionDigits: Int) -> NumberFormat {
        let key = CurrencyKey(code: code, fractionDigits: fractionDigits)
        if let existing = currency[key] { return existing }
        let icu = NumberFormatter()
        icu.locale = locale
        icu.numberStyle = .currency
        icu.currencyCode = code
        icu.minimumFractionDigits = fractionDigits
        icu.maximumFractionDigits = fractionDigits
        let layout = NumberLayout.learn(minimumFraction: fractionDigits, maximumFraction: fractionDigits) {
            Self.icuMoney(icu, $0, code)
        }
        let format = NumberFormat(icu, layout: layout)
        currency[key] = format
        return format
    }

    /// The plain-number format (grouped, up to six decimals); call under `lock`.
    private func decimalFormat() -> NumberFormat {
        if let decimal { return decimal }
        let icu = NumberFormatter()
        icu.locale = locale
        icu.numberStyle = .decimal
        icu.maximumFractionDigits = 6
        let layout = NumberLayout.learn(minimumFraction: 0, maximumFraction: 6) {
            icu.string(from: NSNumber(value: $0)).map(Self.normalisedSpaces)
        }
        let format = NumberFormat(icu, layout: layout)
        decimal = format
        return format
    }

    /// The hand-written layout in use for a money format, `nil` when ICU formats it (tests).
    func moneyLayout(currency code: String, fractionDigits: Int) -> NumberLayout? {
        withLock { currencyFormat(code, fractionDigits: fractionDigits) }.layout
    }

    /// The hand-written layout in use for plain numbers, `nil` when ICU formats them (tests).
    var numberLayout: NumberLayout? { withLock { decimalFormat() }.layout }

    /// ICU's rendering of an amount, with the spacing fixes applied.
    private static func icuMoney(_ icu: NumberFormatter, _ amount: Double, _ code: String) -> String {
        let raw = icu.string(from: NSNumber(value: amount)) ?? "\(code) \(amount)"
        return spacedCurrency(normalisedSpaces(raw))
    }

    /// Memoises `make` (called under `lock`).
    private func memoisedLocked(_ key: MemoKey, _ make: () -> String) -> String {
        if let hit = memo[key] { return hit }
        let value = Self.normalisedSpaces(make())
        if memo.count >= Self.memoLimit { memo.removeAll(keepingCapacity: true) }
        memo[key] = value
        return value
    }

    private func memoisedOptional(_ key: MemoKey, _ make: () -> String?) -> String? {
        lock.lock()
        defer { lock.unlock() }
        if let hit = memo[key] { return hit }
        guard let made = make() else { return nil }
        let value = Self.normalisedSpaces(made)
        if memo.count >= Self.memoLimit { memo.removeAll(keepingCapacity: true) }
        memo[key] = value
        return value
    }

    /// Replaces no-break spaces (U+00A0, U+202F) with plain spaces.
    static func normalisedSpaces(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { $0 == "\u{00A0}" || $0 == "\u{202F}" }) else { return s }
        var out = String.UnicodeScalarView()
        for scalar in s.unicodeScalars {
            out.append(scalar == "\u{00A0}" || scalar == "\u{202F}" ? " " : scalar)
        }
        return String(out)
    }

    /// Puts a space between a letter currency symbol and a digit (`Rp50.000` → `Rp 50.000`),
    /// as CLDR's currency-spacing rule asks and ICU's `id` data omits.
    static func spacedCurrency(_ s: String) -> String {
        let scalars = Array(s.unicodeScalars)
        var out = String.UnicodeScalarView()
        for (index, scalar) in scalars.enumerated() {
            out.append(scalar)
            guard index + 1 < scalars.count else { break }
            let next = scalars[index + 1]
            let letterThenDigit = scalar.properties.isAlphabetic && next.properties.numericType != nil
            let digitThenLetter = scalar.properties.numericType != nil && next.properties.isAlphabetic
            if letterThenDigit || digitThenLetter { out.append(" ") }
        }
        return String(out)
    }
}
