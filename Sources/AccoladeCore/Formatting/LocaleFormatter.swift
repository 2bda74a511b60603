import Foundation

/// Locale-aware formatting of the values templates show: money, plain numbers and dates.
///
/// One instance serves one (locale, time zone) pair and is shared by every render that needs
/// that pair (see ``FormatterCache``).
///
/// **The reference is Foundation's format styles on this toolchain** (swift-foundation with its
/// bundled ICU and CLDR data): money is what `FloatingPointFormatStyle<Double>.Currency(code:locale:)`
/// writes, numbers what `FloatingPointFormatStyle<Double>` (up to six fraction digits) and
/// `IntegerFormatStyle<Int64>` write. Not `NumberFormatter` (its older ICU path drops en-IN's
/// `12,34,567` grouping) and not Debian's system ICU. `FormattingConformanceTests` checks every
/// ISO currency Foundation knows in many locales against it.
///
/// Money and numbers differ in every personalised message, so a cache of results does not
/// help them, and a format style call costs several microseconds: they are written by hand from
/// a ``NumberLayout`` learned once per format from Foundation's own output and verified against
/// it; values a layout does not cover (negative, 10^15 and above), and formats no layout
/// reproduces (Arabic digits, say), go through Foundation. Dates repeat (a campaign has few
/// expiry dates), so their results are memoised in a bounded table.
///
/// Rules (README-ready):
/// - **Money** `{"amount": 50000, "currency": "IDR"}` (amount in major units) renders in the
///   locale's currency format with the currency's own fraction digits (CLDR, see
///   ``CurrencyDigits``), rounded half-even: `Rp50.000` (id), `50,00 €` (de), `$50.00` (en),
///   `KWD 0.500`, `¥1,234,568` (en).
/// - **Numbers** are grouped per locale: `1.250` (id, de), `1,250` (en), `12,34,567` (en-IN).
///   Spanish groups only from five digits (`1250`, `12.500`), as CLDR specifies.
/// - **Dates** are ISO-8601 strings: a calendar date `2026-12-31` shows as that day whatever
///   the time zone; an instant `2026-12-31T17:00:00Z` (or with an offset) is shown in the
///   recipient's time zone. Medium style: `31 Des 2026` (id), `31.12.2026` (de),
///   `Dec 31, 2026` (en), `31 dic 2026` (es).
/// - Output keeps Foundation's no-break spaces (U+00A0, U+202F), so a line never breaks between
///   number and currency; SMS parts replace them with plain spaces (``plainSpaces(_:)``), which
///   keeps a GSM-7 text GSM-7.
public final class LocaleFormatter: @unchecked Sendable {
    /// The locale identifier the formatter was made for (`id-ID`).
    public let localeIdentifier: String
    /// The time zone instants are shown in.
    public let timeZone: TimeZone

    // Everything below is guarded by `lock`: the tables, and the date formatters, which are
    // not thread-safe. Format styles are values and are called outside the lock.
    private let lock = NSLock()
    private let locale: Locale
    private var decimal: NumberFormat?
    private var currency: [String: NumberFormat] = [:]
    private let mediumDate: DateFormatter
    private let mediumDateTime: DateFormatter
    private let calendarDate: DateFormatter
    private var memo: [MemoKey: String] = [:]

    /// Upper bound of memoised results; the table is emptied when it fills (cheap, rare).
    static let memoLimit = 4096

    /// Doubles are keyed by bit pattern: `-0.0 == 0.0`, but Foundation writes `-$0.00` for one.
    private enum MemoKey: Hashable {
        case money(UInt64, String)
        case integer(Int64)
        case double(UInt64)
        case date(String)
        case dateTime(String)
    }

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

    /// Formats an amount in major units of an ISO 4217 currency exactly as Foundation does
    /// (`50000`, `IDR` → `Rp50.000` in `id`; `0.5`, `KWD` → `KWD 0.500` in `en`).
    public func money(amount: Double, currency code: String) -> String {
        let format = withLock { currencyFormat(code) }
        if let fast = format.layout?.format(amount) { return fast }
        return memoised(.money(amount.bitPattern, code)) { format.reference(amount) }
    }

    /// Formats a whole number with the locale's grouping (`1250` → `1.250` in `id`).
    public func number(_ value: Int64) -> String {
        let format = withLock { decimalFormat() }
        if let fast = format.layout?.format(value) { return fast }
        let style = IntegerFormatStyle<Int64>(locale: locale)
        return memoised(.integer(value)) { style.format(value) }
    }

    /// Formats a decimal number with the locale's grouping and decimal separator (up to six
    /// fraction digits, half-even).
    public func number(_ value: Double) -> String {
        let format = withLock { decimalFormat() }
        if let fast = format.layout?.format(value) { return fast }
        return memoised(.double(value.bitPattern)) { format.reference(value) }
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

    /// The format for currency `code`; call under `lock`.
    private func currencyFormat(_ code: String) -> NumberFormat {
        if let existing = currency[code] { return existing }
        let digits = CurrencyDigits.of(code)
        let format = NumberFormat(
            FloatingPointFormatStyle<Double>.Currency(code: code, locale: locale), minimumFraction: digits, maximumFraction: digits)
        currency[code] = format
        return format
    }

    /// The plain-number format (grouped, up to six decimals); call under `lock`.
    private func decimalFormat() -> NumberFormat {
        if let decimal { return decimal }
        let format = NumberFormat(
            FloatingPointFormatStyle<Double>(locale: locale).precision(.fractionLength(0...6)), minimumFraction: 0, maximumFraction: 6)
        decimal = format
        return format
    }

    /// The hand-written layout in use for a currency, `nil` when Foundation formats it (tests).
    func moneyLayout(currency code: String) -> NumberLayout? {
        withLock { currencyFormat(code) }.layout
    }

    /// The hand-written layout in use for plain numbers, `nil` when Foundation formats them (tests).
    var numberLayout: NumberLayout? { withLock { decimalFormat() }.layout }

    /// Foundation's result for `key`, remembered; `make` runs outside the lock.
    private func memoised(_ key: MemoKey, _ make: () -> String) -> String {
        if let hit = withLock({ memo[key] }) { return hit }
        let value = make()
        withLock {
            if memo.count >= Self.memoLimit { memo.removeAll(keepingCapacity: true) }
            memo[key] = value
        }
        return value
    }

    private func memoisedOptional(_ key: MemoKey, _ make: () -> String?) -> String? {
        lock.lock()
        defer { lock.unlock() }
        if let hit = memo[key] { return hit }
        guard let value = make() else { return nil }
        if memo.count >= Self.memoLimit { memo.removeAll(keepingCapacity: true) }
        memo[key] = value
        return value
    }

    /// `s` with no-break spaces (U+00A0, U+202F) replaced by plain spaces: what SMS parts show,
    /// because neither is in the GSM 03.38 alphabet and one would turn the text into UCS-2.
    public static func plainSpaces(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { $0 == "\u{00A0}" || $0 == "\u{202F}" }) else { return s }
        var out = String.UnicodeScalarView()
        for scalar in s.unicodeScalars {
            out.append(scalar == "\u{00A0}" || scalar == "\u{202F}" ? " " : scalar)
        }
        return String(out)
    }
}

/// One Foundation number format, the reference, plus the hand-written layout that reproduces
/// it when one does.
private struct NumberFormat: Sendable {
    let reference: @Sendable (Double) -> String
    let layout: NumberLayout?

    init<Style: FormatStyle & Sendable>(_ style: Style, minimumFraction: Int, maximumFraction: Int)
    where Style.FormatInput == Double, Style.FormatOutput == String {
        reference = { style.format($0) }
        layout = NumberLayout.learn(minimumFraction: minimumFraction, maximumFraction: maximumFraction) { style.format($0) }
    }
}
