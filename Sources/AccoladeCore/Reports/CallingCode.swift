/// The country calling code at the start of an E.164 number (`+6281…` → `+62`), which reports
/// show as the "country" of an SMS or WhatsApp delivery (`-` for channels without a number).
///
/// Calling codes are prefix-free: 1 and 7 are one digit, the two-digit codes are the short list
/// below, every other code has three digits. One code may cover several countries (+1), which is
/// also how providers price them.
public enum CallingCode {
    /// The two-digit codes the ITU assigns.
    public static let twoDigit: Set<String> = [
        "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46", "47", "48", "49",
        "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63", "64", "65", "66", "81", "82", "84",
        "86", "90", "91", "92", "93", "94", "95", "98",
    ]

    /// `+62` for `+6281234567890`; `-` for nil or a text that is not `+` and digits.
    public static func of(_ number: String?) -> String {
        guard let number, number.hasPrefix("+"), number.count >= 3 else { return "-" }
        let digits = number.dropFirst()
        if digits.hasPrefix("1") || digits.hasPrefix("7") { return "+" + digits.prefix(1) }
        if twoDigit.contains(String(digits.prefix(2))) { return "+" + digits.prefix(2) }
        return "+" + digits.prefix(3)
    }
}
