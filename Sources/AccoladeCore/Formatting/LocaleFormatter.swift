import Foundation

/// Locale-aware formatting of the values templates show: money, plain numbers and dates.
///
/// One instance serves one (locale, time zone) pair and is shared by every render that needs
/// that pair (see ``FormatterCache``). Foundation's `NumberFormatter` and `DateFormatter` cost
/// microseconds to create and are not thread-safe, so each instance creates them once and uses
/// them under a lock. Formatting itself costs a few microseconds through ICU, so results are
/// also memoised in a bounded table: reward traffic repeats the same amounts and dates, and
/// this is what keeps a full render in the tens of microseconds.
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
    private let decimal: NumberFormatter
    private var currency: [String: NumberFormatter] = [:]
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

        decimal = NumberFormatter()
        decimal.locale = locale
        decimal.numberStyle = .decimal
        decimal.maximumFractionDigits = 6

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
        memoised(.money(amount, code)) {
            let formatter = currencyFormatter(code)
            let whole = amount.rounded() == amount
            if whole && Self.zeroDecimalCurrencies.contains(code) {
                formatter.minimumFractionDigits = 0
                formatter.maximumFractionDigits = 0
            } else {
                formatter.minimumFractionDigits = 2
                formatter.maximumFractionDigits = 2
            }
            let raw = formatter.string(from: NSNumber(value: amount)) ?? "\(code) \(amount)"
            return Self.spacedCurrency(Self.normalisedSpaces(raw))
        }
    }

    /// Formats a whole number with the locale's grouping (`1250` → `1.250` in `id`).
    public func number(_ value: Int64) -> String {
        memoised(.integer(value)) {
            Self.normalisedSpaces(decimal.string(from: NSNumber(value: value)) ?? String(value))
        }
    }

    /// Formats a decimal number with the locale's grouping and decimal separator.
    public func number(_ value: Double) -> String {
        memoised(.double(value)) {
            Self.normalisedSpaces(decimal.string(from: NSNumber(value: value)) ?? String(value))
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

    private func currencyFormatter(_ code: String) -> NumberFormatter {
        if let existing = currency[code] { return existing }
        let formatter = NumberFormatter()
        formatter.locale = locale
        formatter.numberStyle = .currency
        formatter.currencyCode = code
        currency[code] = formatter
        return formatter
    }

    private func memoised(_ key: MemoKey, _ make: () -> String) -> String {
        lock.lock()
        defer { lock.unlock() }
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
