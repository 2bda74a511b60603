import Foundation

/// The `ttl` of `POST /v1/inbox/tokens`: how long a minted token lives, one minute to 24 hours.
///
/// Written as whole seconds (`3600`) or a whole number with a unit (`90s`, `15m`, `1h`, `1d`), no
/// leading zeros. The bounds: a token shorter than a minute would have widgets asking for new
/// ones all the time; longer than a day is what the token format refuses.
public enum InboxTokenLifetime {
    /// When `ttl` is absent.
    public static let defaultSeconds: TimeInterval = 3600
    /// The shortest lifetime, seconds.
    public static let minimumSeconds = 60
    /// The longest lifetime, seconds (``InboxTokenSigner/maximumLifetime``).
    public static let maximumSeconds = 86_400

    /// The JSON Schema `pattern` that accepts exactly the texts ``parse(_:)`` accepts (bounds
    /// included), so the OpenAPI document states the rule the server applies.
    public static let pattern =
        "^(?:(?:6[0-9]|[7-9][0-9]|[1-9][0-9]{2,3}|[1-7][0-9]{4}|8[0-5][0-9]{3}|86[0-3][0-9]{2}|86400)s"
        + "|(?:[1-9]|[1-9][0-9]|[1-9][0-9]{2}|1[0-3][0-9]{2}|14[0-3][0-9]|1440)m"
        + "|(?:[1-9]|1[0-9]|2[0-4])h|1d)$"

    /// Seconds for a text such as `15m`, or `nil` when it is not one or lies outside the bounds.
    public static func parse(_ text: String) -> TimeInterval? {
        guard let unit = text.last, let factor = ["s": 1, "m": 60, "h": 3600, "d": 86_400][unit] else { return nil }
        let digits = text.dropLast()
        guard !digits.isEmpty, digits.count <= 6, digits.first != "0", digits.allSatisfy({ $0.isASCII && $0.isNumber }),
            let number = Int(digits)
        else { return nil }
        return seconds(number * factor)
    }

    /// `seconds` as a lifetime, or `nil` outside the bounds.
    public static func seconds(_ seconds: Int) -> TimeInterval? {
        (minimumSeconds...maximumSeconds).contains(seconds) ? TimeInterval(seconds) : nil
    }
}
