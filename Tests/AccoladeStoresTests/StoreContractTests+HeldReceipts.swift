import AccoladeCore
import Foundation
import GRDB
import Testing

@testable import AccoladeStores

/// The `Store` contract for receipts that arrive before the outcome they name is written (a
/// provider calls back before the worker's batched write): held, applied by `complete`, never
/// dropped, never applied twice, never moving a delivery backwards, purged after the TTL.
@Suite("Store contract: receipts that arrive first")
struct StoreHeldReceiptContractTests {
    static func report(
        _ reference: ReceiptReport.Reference, _ state: DeliveryState, event: String, at offset: Int64, detail: String? = nil
    ) -> ReceiptReport {
        ReceiptReport(
            reference: reference, state: state, provider: "twilio", providerEventID: event, occurredAt: nil,
            receivedAt: Fixtures.at(offset), detail: detail ?? (state == .failed ? "30003 unreachable handset" : nil))
    }

    /// One message claimed (its delivery `running`), ready for receipts that beat its outcome.
    static func running(_ store: any Store, channels: [ChannelKind] = [.sms], mode: RouteMode = .all) async throws -> ClaimedDelivery {
        _ = try await store.enqueue([Fixtures.request(channels: channels, mode: mode)])
        return try #require(try await store.claim(owner: "w", limit: 1, now: Fixtures.t0, lease: 30).first)
    }

    static func state(_ store: any Store, _ claimed: ClaimedDelivery) async throws -> DeliveryState? {
        try await store.deliveries(messageID: claimed.message.id).first { $0.id == claimed.delivery.id }?.state
    }

    static func sent(_ c: ClaimedDelivery, providerID: String?, at offset: Int64 = 100, followUp: RouteFollowUp? = nil) -> DeliveryUpdate {
        Fixtures.update(c, owner: "w", state: .sent, now: Fixtures.at(offset), followUp: followUp, providerMessageID: providerID)
    }

    @Test("a receipt before the outcome is held, then applied by the complete that writes the provider id", arguments: StoreFactory.all)
    func heldThenApplied(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let c = try await Self.running(store)
            #expect(try await store.recordReceipt(Self.report(.providerMessageID("SM1"), .delivered, event: "e1", at: 10)) == .held)
            #expect(try await store.deliveryID(providerMessageID: "SM1") == nil)
            #expect(try await store.receipts(messageID: c.message.id).isEmpty)
            #expect(try await store.complete([Self.sent(c, providerID: "SM1")]) == 1)
            #expect(try await Self.state(store, c) == .delivered)
            let receipts = try await store.receipts(messageID: c.message.id)
            #expect(receipts.map(\.status) == ["delivered"])
            #expect(receipts.first?.receivedAt == Fixtures.at(10))  // when it arrived, not when it was applied
            // Nothing is left held.
            #expect(try await store.sweepUnmatchedReceipts(now: Fixtures.at(200), receivedBefore: Fixtures.at(200)) == .init(matched: 0, purged: 0))
        }
    }

    @Test("a repeat of a held receipt is a duplicate, before and after the outcome; it applies once", arguments: StoreFactory.all)
    func heldThenDuplicate(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let c = try await Self.running(store)
            let delivered = Self.report(.providerMessageID("SM2"), .delivered, event: "e1", at: 10)
            #expect(try await store.recordReceipt(delivered) == .held)
            #expect(try await store.recordReceipt(delivered) == .duplicate)
            #expect(try await store.complete([Self.sent(c, providerID: "SM2")]) == 1)
            #expect(try await store.recordReceipt(delivered) == .duplicate)
            #expect(try await Self.state(store, c) == .delivered)
            #expect(try await store.receipts(messageID: c.message.id).map(\.status) == ["delivered"])
        }
    }

    @Test("out of order after the outcome: delivered then sent stays delivered; read then failed stays read", arguments: StoreFactory.all)
    func outOfOrder(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let a = try await Self.running(store)
            #expect(try await store.complete([Self.sent(a, providerID: "SM-a")]) == 1)
            #expect(try await store.recordReceipt(Self.report(.providerMessageID("SM-a"), .delivered, event: "d", at: 110)) == .applied(.delivered))
            #expect(try await store.recordReceipt(Self.report(.providerMessageID("SM-a"), .sent, event: "s", at: 120)) == .recorded)
            #expect(try await Self.state(store, a) == .delivered)
            #expect(try await store.receipts(messageID: a.message.id).map(\.status) == ["delivered", "sent"])

            let b = try await Self.running(store)
            #expect(try await store.complete([Self.sent(b, providerID: "SM-b")]) == 1)
            #expect(try await store.recordReceipt(Self.report(.providerMessageID("SM-b"), .read, event: "r", at: 110)) == .applied(.read))
            #expect(try await store.recordReceipt(Self.report(.providerMessageID("SM-b"), .failed, event: "f", at: 120)) == .recorded)
            let delivery = try #require(try await store.deliveries(messageID: b.message.id).first)
            #expect(delivery.state == .read)
            #expect(delivery.lastError == nil)  // the failure is history, not the delivery's error
            #expect(try await store.receipts(messageID: b.message.id).map(\.status) == ["read", "failed"])

            // failed never overrides delivered either.
            #expect(try await store.recordReceipt(Self.report(.providerMessageID("SM-a"), .failed, event: "f", at: 130)) == .recorded)
            #expect(try await Self.state(store, a) == .delivered)
        }
    }

    @Test("out of order before the outcome: held receipts apply monotonically when it is written", arguments: StoreFactory.all)
    func outOfOrderHeld(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let a = try await Self.running(store)
            #expect(try await store.recordReceipt(Self.report(.providerMessageID("SM-a"), .delivered, event: "d", at: 10)) == .held)
            #expect(try await store.recordReceipt(Self.report(.providerMessageID("SM-a"), .sent, event: "s", at: 20)) == .held)
            let b = try await Self.running(store)
            #expect(try await store.recordReceipt(Self.report(.providerMessageID("SM-b"), .read, event: "r", at: 10)) == .held)
            #expect(try await store.recordReceipt(Self.report(.providerMessageID("SM-b"), .failed, event: "f", at: 20)) == .held)
            // One batch writes both outcomes.
            #expect(try await store.complete([Self.sent(a, providerID: "SM-a"), Self.sent(b, providerID: "SM-b")]) == 2)
            #expect(try await Self.state(store, a) == .delivered)
            #expect(try await Self.state(store, b) == .read)
            #expect(try await store.receipts(messageID: a.message.id).map(\.status) == ["delivered", "sent"])
            #expect(try await store.receipts(messageID: b.message.id).map(\.status) == ["read", "failed"])
        }
    }

    @Test("a report naming a running delivery by id (Kannel DLR) is held through a retry and applied when it is sent", arguments: StoreFactory.all)
    func heldByDeliveryID(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let c = try await Self.running(store)
            #expect(try await store.recordReceipt(Self.report(.deliveryID(c.delivery.id), .delivered, event: "dlr-1", at: 10)) == .held)
            #expect(
                try await store.complete([
                    Fixtures.update(c, owner: "w", state: .retryable, now: Fixtures.at(20), nextAttemptAt: Fixtures.at(30))
                ]) == 1)
            #expect(try await Self.state(store, c) == .retryable)
            #expect(try await store.sweepUnmatchedReceipts(now: Fixtures.at(25), receivedBefore: Fixtures.at(0)).matched == 0)
            let again = try #require(try await store.claim(owner: "w", limit: 1, now: Fixtures.at(40), lease: 30).first)
            #expect(try await store.complete([Self.sent(again, providerID: nil, at: 50)]) == 1)
            #expect(try await Self.state(store, c) == .delivered)
            #expect(try await store.receipts(messageID: c.message.id).map(\.status) == ["delivered"])
            // A report for a delivery id that does not exist records nothing.
            #expect(try await store.recordReceipt(Self.report(.deliveryID("nope"), .delivered, event: "x", at: 60)) == .unknownDelivery)
        }
    }

    @Test("a held failure in a fallback route revives the channels its sent outcome just skipped", arguments: StoreFactory.all)
    func heldFailureRevivesFallback(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let first = try await Self.running(store, channels: [.whatsapp, .sms, .email], mode: .fallback)
            #expect(
                try await store.recordReceipt(
                    Self.report(.providerMessageID("wamid.1"), .failed, event: "f", at: 10, detail: "131026 undeliverable")) == .held)
            let skip = RouteFollowUp.skipPending(messageID: first.message.id, reason: DeliveryStateMachine.fallbackSkipReason(sent: .whatsapp))
            #expect(try await store.complete([Self.sent(first, providerID: "wamid.1", followUp: skip)]) == 1)
            let states = Dictionary(uniqueKeysWithValues: try await store.deliveries(messageID: first.message.id).map { ($0.channel, $0.state) })
            #expect(states == [.whatsapp: .failed, .sms: .available, .email: .pending])
            #expect(try await store.deliveries(messageID: first.message.id).first?.lastError == "131026 undeliverable")
        }
    }

    @Test("held receipts older than the TTL are purged; younger ones wait", arguments: StoreFactory.all)
    func purgeByTTL(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            #expect(try await store.recordReceipt(Self.report(.providerMessageID("SM-old"), .delivered, event: "e", at: 10)) == .held)
            #expect(try await store.recordReceipt(Self.report(.providerMessageID("SM-new"), .delivered, event: "e", at: 1_000)) == .held)
            #expect(try await store.sweepUnmatchedReceipts(now: Fixtures.at(500), receivedBefore: Fixtures.at(10)) == .init(matched: 0, purged: 0))
            #expect(try await store.sweepUnmatchedReceipts(now: Fixtures.at(500), receivedBefore: Fixtures.at(11)) == .init(matched: 0, purged: 1))
            // The purged one no longer applies; the younger one still does.
            let old = try await Self.running(store)
            let new = try await Self.running(store)
            #expect(try await store.complete([Self.sent(old, providerID: "SM-old"), Self.sent(new, providerID: "SM-new")]) == 2)
            #expect(try await Self.state(store, old) == .sent)
            #expect(try await Self.state(store, new) == .delivered)
        }
    }

    /// A receipt held in the instant between a concurrent outcome's check and its commit (possible
    /// with PostgreSQL's READ COMMITTED; SQLite serialises them) is applied by the next sweep.
    @Test("the sweep applies a held receipt whose outcome was written after it was held", arguments: StoreFactory.all)
    func sweepCatchesARace(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let c = try await Self.running(store)
            #expect(try await store.complete([Self.sent(c, providerID: "SM-race")]) == 1)
            try await Self.insertHeld(store, providerMessageID: "SM-race", status: "delivered", receivedAt: Fixtures.at(150))
            let sweep = try await store.sweepUnmatchedReceipts(now: Fixtures.at(200), receivedBefore: Fixtures.at(0))
            #expect(sweep == .init(matched: 1, purged: 0))
            #expect(try await Self.state(store, c) == .delivered)
            #expect(try await store.sweepUnmatchedReceipts(now: Fixtures.at(300), receivedBefore: Fixtures.at(300)) == .init(matched: 0, purged: 0))
        }
    }

    /// Writes a held row directly, as a receipt that lost the race would have.
    static func insertHeld(_ store: any Store, providerMessageID: String, status: String, receivedAt: Date) async throws {
        let received = StoreTime.millis(receivedAt)
        switch store {
        case let sqlite as SQLiteStore:
            try await sqlite.pool.write { db in
                try db.execute(
                    sql: "INSERT INTO unmatched_receipts (provider_message_id, status, provider, provider_event_id, received_at) VALUES (?, ?, 'twilio', 'race', ?)",
                    arguments: [providerMessageID, status, received])
            }
        case let postgres as PostgresStore:
            _ = try await postgres.rows(
                "insert a held receipt",
                "INSERT INTO unmatched_receipts (provider_message_id, status, provider, provider_event_id, received_at) VALUES (\(providerMessageID), \(status), 'twilio', 'race', \(received))")
        default:
            Issue.record("unknown store \(type(of: store))")
        }
    }
}
