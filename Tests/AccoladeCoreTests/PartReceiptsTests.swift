import Testing
@testable import AccoladeCore

@Suite("receipts of a delivery sent in parts")
struct PartReceiptsTests {
    func state(_ count: Int, _ reports: [(Int, DeliveryState)]) -> DeliveryState {
        var parts = PartReceipts(count: count)
        for (index, state) in reports { parts.record(part: index, state: state) }
        return parts.state
    }

    @Test("delivered only when every part is delivered, in any order")
    func deliveredNeedsEveryPart() {
        #expect(state(3, []) == .sent)
        #expect(state(3, [(1, .delivered), (2, .delivered)]) == .sent)
        #expect(state(3, [(1, .delivered), (1, .delivered), (3, .delivered)]) == .sent)
        #expect(state(3, [(3, .delivered), (1, .sent), (2, .delivered), (1, .delivered)]) == .delivered)
        // A late "accepted by SMSC" after "delivered" does not move a part back.
        #expect(state(2, [(1, .delivered), (2, .delivered), (1, .sent), (2, .sent)]) == .delivered)
        // Every permutation of a 3-part delivery's reports ends delivered.
        let reports: [(Int, DeliveryState)] = [(1, .sent), (1, .delivered), (2, .delivered), (3, .sent), (3, .delivered)]
        for permutation in permutations(reports.indices.map { $0 }) {
            #expect(state(3, permutation.map { reports[$0] }) == .delivered)
        }
    }

    @Test("failed when any part fails, whatever the others say")
    func anyFailureFails() {
        #expect(state(3, [(1, .delivered), (2, .failed), (3, .delivered)]) == .failed)
        #expect(state(3, [(2, .failed), (2, .delivered)]) == .failed)
        #expect(state(2, [(1, .delivered), (2, .delivered), (2, .failed)]) == .failed)
        // Reports naming a part the delivery does not have are ignored.
        #expect(state(2, [(1, .delivered), (2, .delivered), (3, .failed), (0, .failed)]) == .delivered)
    }

    @Test("applied through receiptDecision: monotonic as any receipt")
    func monotonic() {
        // Delivered already: a failed part after all were delivered is history (receiptDecision).
        #expect(DeliveryStateMachine.receiptDecision(state(2, [(1, .delivered), (2, .failed)]), current: .delivered) == .history)
        #expect(DeliveryStateMachine.receiptDecision(state(2, [(1, .delivered)]), current: .sent) == .history)
        #expect(DeliveryStateMachine.receiptDecision(state(2, [(1, .delivered), (2, .delivered)]), current: .sent) == .advance(.delivered))
        #expect(DeliveryStateMachine.receiptDecision(state(2, [(2, .failed)]), current: .sent) == .advance(.failed))
    }

    func permutations(_ items: [Int]) -> [[Int]] {
        guard items.count > 1 else { return [items] }
        return items.indices.flatMap { i -> [[Int]] in
            var rest = items
            let first = rest.remove(at: i)
            return permutations(rest).map { [first] + $0 }
        }
    }
}
