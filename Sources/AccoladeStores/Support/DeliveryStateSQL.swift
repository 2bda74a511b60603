import AccoladeCore

/// Delivery-state lists both stores splice into SQL.
enum DeliveryStateSQL {
    /// `('sent', 'delivered', …)`: the states in which a delivery's outcome is written
    /// (``DeliveryState/isFinal``), so receipts held for it can be applied.
    static let final = "(" + DeliveryState.allCases.filter(\.isFinal).map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"
}
