/// What ``Store/recordReceipt(_:)`` did with a provider status event.
public enum ReceiptOutcome: Sendable, Hashable {
    /// Recorded, and the delivery moved to this state.
    case applied(DeliveryState)
    /// Recorded as history; the delivery's state already said as much or more (out of order).
    case recorded
    /// The same event (delivery and provider event id) was recorded before: nothing changed.
    case duplicate
    /// Stored aside: no delivery carries its provider message id yet, or its delivery's outcome is
    /// not written yet. It is applied when that outcome is written (or purged after
    /// `webhooks.unmatched_receipt_ttl` if it never is).
    case held
    /// No delivery has this id (a report naming Accolade's delivery id directly): nothing recorded.
    case unknownDelivery
}
