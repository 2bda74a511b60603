import Foundation
import Synchronization

/// How many fraction digits a currency shows, as CLDR says and Foundation applies it: 3 for
/// KWD, 0 for JPY, 2 for EUR and USD.
///
/// Read from Foundation's own output (zero formatted in `en`) rather than from a table of ours,
/// so it cannot disagree with the reference ``LocaleFormatter`` is tested against. Remembered per
/// code: the codes a deployment sees are a handful.
public enum CurrencyDigits {
    private static let known = Mutex<[String: Int]>([:])

    /// The fraction digits of ISO 4217 `code` (2 for codes Foundation does not know).
    public static func of(_ code: String) -> Int {
        if let hit = known.withLock({ $0[code] }) { return hit }
        let text = 0.0.formatted(FloatingPointFormatStyle<Double>.Currency(code: code, locale: Locale(identifier: "en_US_POSIX")))
        // `KWD 0.000`, `¥0`, `$0.00`: the digits after the last non-digit following the first `0`.
        let runs = text.split(whereSeparator: { !$0.isASCII || !$0.isNumber })
        let digits = runs.count >= 2 ? runs[runs.count - 1].count : 0
        known.withLock {
            if $0.count >= 1024 { $0.removeAll(keepingCapacity: true) }
            $0[code] = digits
        }
        return digits
    }
}
