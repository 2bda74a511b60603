import AccoladeCore
import AccoladeStores
import Foundation

// A copy of AccoladeRuntimeTests' ForwardingStore (test targets cannot share sources without a
// support target that links the stores).
/// Forwards every `Store` call to SQLite; subclasses override the calls a test wants to watch or change.
class ForwardingStore: Store, @unchecked Sendable {
    let base: SQLiteStore

    init(_ base: SQLiteStore) { self.base = base }

    func workSignals() -> AsyncStream<Void>? { nil }
    func migrate() async throws { try await base.migrate() }
    func enqueue(_ requests: [EnqueueRequest]) async throws -> [EnqueueResult] { try await base.enqueue(requests) }
    func claim(owner: String, limit: Int, now: Date, lease: TimeInterval) async throws -> [ClaimedDelivery] {
        try await base.claim(owner: owner, limit: limit, now: now, lease: lease)
    }
    func complete(_ updates: [DeliveryUpdate]) async throws -> Int { try await base.complete(updates) }
    func release(owner: String, deliveryIDs: [String], now: Date) async throws -> Int {
        try await base.release(owner: owner, deliveryIDs: deliveryIDs, now: now)
    }
    func rescueExpiredLeases(now: Date, maxAttempts: Int) async throws -> Int {
        try await base.rescueExpiredLeases(now: now, maxAttempts: maxAttempts)
    }
    func requeueFailed(deliveryIDs: [String]?, now: Date) async throws -> [String] {
        try await base.requeueFailed(deliveryIDs: deliveryIDs, now: now)
    }
    func message(id: String) async throws -> Message? { try await base.message(id: id) }
    func deliveries(messageID: String) async throws -> [Delivery] { try await base.deliveries(messageID: messageID) }
    func attempts(messageID: String) async throws -> [Attempt] { try await base.attempts(messageID: messageID) }
    func receipts(messageID: String) async throws -> [Receipt] { try await base.receipts(messageID: messageID) }
    func recordReceipt(_ receipt: Receipt, state: DeliveryState) async throws -> ReceiptOutcome {
        try await base.recordReceipt(receipt, state: state)
    }
    func deliveryID(providerMessageID: String) async throws -> String? {
        try await base.deliveryID(providerMessageID: providerMessageID)
    }
    func messages(matching query: MessageQuery) async throws -> [Message] { try await base.messages(matching: query) }
    func deliveries(inStates states: Set<DeliveryState>, limit: Int) async throws -> [Delivery] {
        try await base.deliveries(inStates: states, limit: limit)
    }
    func snapshot(now: Date) async throws -> QueueSnapshot { try await base.snapshot(now: now) }
    func suppression(channel: ChannelKind, address: String) async throws -> Suppression? {
        try await base.suppression(channel: channel, address: address)
    }
    func suppress(_ entries: [Suppression]) async throws -> Int { try await base.suppress(entries) }
    func unsuppress(channel: ChannelKind, address: String) async throws -> Bool {
        try await base.unsuppress(channel: channel, address: address)
    }
    func suppressions(channel: ChannelKind?, after address: String?, limit: Int) async throws -> [Suppression] {
        try await base.suppressions(channel: channel, after: address, limit: limit)
    }
    func recordInbound(channel: ChannelKind, address: String, at time: Date) async throws {
        try await base.recordInbound(channel: channel, address: address, at: time)
    }
    func lastInbound(channel: ChannelKind, address: String) async throws -> Date? {
        try await base.lastInbound(channel: channel, address: address)
    }
}
