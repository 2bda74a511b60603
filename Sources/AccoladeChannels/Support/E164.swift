/// E.164 phone numbers: `+`, a country code that does not start with 0, 7 to 15 digits in all.
public enum E164 {
    /// Whether `number` is a valid E.164 number (no spaces, dashes or brackets).
    public static func isValid(_ number: String) -> Bool {
        let utf8 = number.utf8
        guard utf8.first == UInt8(ascii: "+") else { return false }
        let digits = utf8.dropFirst()
        return (7...15).contains(digits.count) && digits.allSatisfy { (0x30...0x39).contains($0) } && digits.first != 0x30
    }
}
