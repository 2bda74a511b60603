/// A money value in template data: `{"amount": 50000, "currency": "IDR"}`.
///
/// The amount is in major units (rupiah, euros, dollars). An object is money when it has
/// exactly these two keys, a numeric amount and a three-letter upper-case ISO 4217 code;
/// shown as a value it renders formatted for the locale, while `{{x.amount}}` and
/// `{{x.currency}}` still give the raw fields.
public struct Money: Sendable, Hashable {
    /// The amount in major units.
    public var amount: Double
    /// The ISO 4217 currency code, e.g. `IDR`.
    public var currency: String

    /// Creates a money value.
    public init(amount: Double, currency: String) {
        self.amount = amount
        self.currency = currency
    }

    /// Recognises a money object, or returns `nil` for any other object.
    public init?(_ object: [String: JSONValue]) {
        // Read by walking the two entries: hashing the keys cost more than the check itself.
        guard object.count == 2 else { return nil }
        var amountValue: JSONValue?
        var currencyValue: JSONValue?
        for (key, value) in object {
            if key == "amount" { amountValue = value } else if key == "currency" { currencyValue = value }
        }
        guard let amount = amountValue?.doubleValue,
            case .string(let code)? = currencyValue, code.utf8.count == 3,
            code.utf8.allSatisfy({ $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") })
        else { return nil }
        self.amount = amount
        self.currency = code
    }
}
