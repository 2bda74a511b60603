/// The state a delivery sent as several parts has reached, from the reports on its parts: pure.
///
/// Used by the stores for an SMS that Accolade split itself, where each part is its own SMS with
/// its own delivery report: the delivery is `delivered` only when every part was reported
/// delivered, and `failed` as soon as any part failed for good (the handset cannot show the
/// whole text). The result is then applied like any single receipt, through
/// ``DeliveryStateMachine/receiptDecision(_:current:)``, so the usual monotonic rules hold.
public struct PartReceipts: Sendable, Hashable {
    /// How many parts the delivery was sent as.
    public let count: Int
    private var furthest: [Int: DeliveryState] = [:]

    /// An aggregate for a delivery of `count` parts with no report yet.
    public init(count: Int) {
        self.count = count
    }

    /// Adds a report on part `index` (1-based; reports on other indexes are ignored). A part
    /// keeps the furthest state reported for it, whatever order the reports came in; `failed` sticks.
    public mutating func record(part index: Int, state: DeliveryState) {
        guard (1...max(1, count)).contains(index) else { return }
        if let known = furthest[index], known == .failed || DeliveryStateMachine.receiptRank(known) >= DeliveryStateMachine.receiptRank(state), state != .failed { return }
        furthest[index] = state
    }

    /// What the parts say together: `failed` when any part failed; otherwise the least advanced
    /// part's state, a part without a report counting as `sent` (accepted, nothing more known) —
    /// so `delivered` needs a delivery report from every part.
    public var state: DeliveryState {
        if furthest.values.contains(.failed) { return .failed }
        return (1...max(1, count)).map { furthest[$0] ?? .sent }.min { DeliveryStateMachine.receiptRank($0) < DeliveryStateMachine.receiptRank($1) } ?? .sent
    }
}
