import AccoladeCore

/// Money as both stores keep it: integer micros and a currency code in two nullable columns
/// (`cost_micros`/`cost_currency`, `reward_value_micros`/`reward_value_currency`, …).
enum StoreMoney {
    /// An amount from its two columns; nil when either is NULL.
    static func read(_ micros: Int64?, _ currency: String?) -> MicroMoney? {
        guard let micros, let currency else { return nil }
        return MicroMoney(micros: micros, currency: currency)
    }
}
