/// The GSM 03.38 default alphabet and its extension table, as SMS centres count them.
///
/// Basic characters cost one septet; extension characters are sent as ESC + code and cost two.
public enum GSM7Alphabet {
    /// Characters of the basic table (ESC 0x1B itself is not a character).
    public static let basic: Set<Unicode.Scalar> = {
        let table =
            "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
        return Set(table.unicodeScalars)
    }()

    /// Characters of the extension table (each costs two septets).
    public static let extended: Set<Unicode.Scalar> = Set("\u{0C}^{}\\[~]|€".unicodeScalars)

    /// The septets `scalar` costs in GSM-7, or `nil` when GSM-7 cannot carry it.
    @inlinable
    public static func septets(_ scalar: Unicode.Scalar) -> Int? {
        if basic.contains(scalar) { return 1 }
        if extended.contains(scalar) { return 2 }
        return nil
    }
}
