/// What ``Store/recordReceipt(_:state:)`` did with a provider status event.
public enum ReceiptOutcome: Sendable, Hashable {
    /// Recorded, and the delivery moved to this state.
    case applied(DeliveryState)
    /// Recorded as history; the delivery's state already said as much or more (out of order).
    case recorded
    /// The same event (delivery and provider event id) was recorded before: nothing changed.
    case duplicate
    /// No such delivery: nothing recorded.
    case unknownDelivery
}
