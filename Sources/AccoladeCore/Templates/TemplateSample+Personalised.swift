extension TemplateSample {
    /// The sample varied for message number `index`, so no two `accolade bench` renders are alike:
    /// the recipient's name, email and id get the index, every money amount and plain integer
    /// changes, and every string under a key ending in `code` gets a suffix.
    ///
    /// Why: a benchmark that renders identical data measures the formatters' result caches,
    /// not the renders real traffic (a different person, amount and code per message) costs.
    public func personalised(_ index: Int) -> TemplateSample {
        var recipient = self.recipient
        recipient.name = "\(recipient.name ?? "Recipient") \(index)"
        if recipient.email != nil { recipient.email = "user\(index)@example.com" }
        if let id = recipient.id { recipient.id = "\(id)-\(index)" }
        return TemplateSample(data: Self.vary(data, key: nil, index: index), recipient: recipient)
    }

    private static func vary(_ value: JSONValue, key: String?, index: Int) -> JSONValue {
        switch value {
        case .object(let object):
            if let money = Money(object) {
                // Whole steps for currencies shown without a minor unit, unique cents otherwise.
                let step = CurrencyDigits.of(money.currency) == 0 ? 500.0 : 0.01
                return .object(["amount": .double(money.amount + Double(index) * step), "currency": .string(money.currency)])
            }
            var varied = object
            for (name, child) in object { varied[name] = vary(child, key: name, index: index) }
            return .object(varied)
        case .array(let items):
            return .array(items.map { vary($0, key: key, index: index) })
        case .int(let number):
            return .int(number &+ Int64(index))
        case .string(let text) where key?.lowercased().hasSuffix("code") == true:
            return .string("\(text)-\(String(index, radix: 36, uppercase: true))")
        default:
            return value
        }
    }
}
