import AccoladeCore
import Foundation
import Testing

/// The `EngagementLog` contract (`send_at: optimal`): inbox marks, WhatsApp reads and
/// redemptions are recorded in their own transaction, once per (recipient key, instant, kind);
/// reads are bounded by recipient, cohort, lookback and limit.
@Suite("Store contract: engagement")
struct StoreEngagementContractTests {
    static let cohort = "id-ID/Asia/Jakarta"

    @Test("inbox seen/read and a WhatsApp read are engagement; email receipts and a delivered WhatsApp are not", arguments: StoreFactory.all)
    func receiptsAreSignals(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            // An inbox item seen and read (marks record the receipts).
            let items = try await StoreInboxContractTests.writeItems(store, count: 3)
            _ = try await store.markInbox(.seen, .item(items[0].id), recipientKey: "crm-42", at: Fixtures.at(1_000))
            _ = try await store.markInbox(.read, .item(items[0].id), recipientKey: "crm-42", at: Fixtures.at(2_000))
            // read-all at one instant is one moment of attention.
            _ = try await store.markInbox(.read, .all, recipientKey: "crm-42", at: Fixtures.at(3_000))

            // A WhatsApp message delivered, then read.
            _ = try await store.enqueue([Fixtures.request(channels: [.whatsapp])])
            let claimed = try #require(try await store.claim(owner: "w", limit: 5, now: Fixtures.t0, lease: 30, channels: [.whatsapp]).first)
            #expect(try await store.complete([Fixtures.update(claimed, owner: "w", state: .sent, now: Fixtures.at(10))]) == 1)
            for (status, at) in [("delivered", Int64(4_000)), ("read", 5_000)] {
                _ = try await store.recordReceipt(
                    Receipt(
                        deliveryID: claimed.delivery.id, status: status, provider: "whatsapp", providerEventID: "wamid.1:\(status)",
                        occurredAt: Fixtures.at(at), receivedAt: Fixtures.at(at + 50), detail: nil),
                    state: DeliveryState(rawValue: status)!)
            }
            let history = try await store.engagementHistory(recipientKey: "crm-42", cohort: Self.cohort, now: Fixtures.at(10_000))
            let seen = history.recipient.map { "\($0.kind.rawValue)@\(Int64(($0.at.timeIntervalSince(Fixtures.t0) * 1000).rounded()))" }
            // Newest first; two items read at 3000 are one event (reading an unseen item also sees it).
            #expect(seen.filter { !$0.hasPrefix("inbox_seen@3000") } == ["whatsapp_read@5000", "inbox_read@3000", "inbox_read@2000", "inbox_seen@1000"])
            #expect(history.cohort == history.recipient && history.cohortName == Self.cohort)
            #expect(try await store.engagementHistory(recipientKey: "someone-else", cohort: "en/", now: Fixtures.at(10_000)) == EngagementHistory(cohortName: "en/"))
        }
    }

    @Test("a redemption is engagement of its run's recipient", arguments: StoreFactory.all)
    func redemptionIsASignal(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let run = RunFixtures.run(rewardCode: "RW-7Q2K")
            #expect(try await store.startRuns([run]).count == 1)
            #expect(try await store.recordRedemption(messageID: nil, rewardCode: "RW-7Q2K", at: Fixtures.at(7_000)) == [run.id])
            let history = try await store.engagementHistory(recipientKey: run.recipientKey, cohort: run.recipient.engagementCohort, now: Fixtures.at(8_000))
            #expect(history.recipient == [EngagementEvent(at: Fixtures.at(7_000), kind: .redemption)])
            #expect(history.cohort == history.recipient)
        }
    }

    @Test("reads stop at the lookback and keep only the newest events", arguments: StoreFactory.all)
    func bounded(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let day: Int64 = 86_400_000
            let items = try await StoreInboxContractTests.writeItems(store, count: 3)
            _ = try await store.markInbox(.seen, .item(items[0].id), recipientKey: "crm-42", at: Fixtures.at(0))
            _ = try await store.markInbox(.seen, .item(items[1].id), recipientKey: "crm-42", at: Fixtures.at(50 * day))
            _ = try await store.markInbox(.seen, .item(items[2].id), recipientKey: "crm-42", at: Fixtures.at(100 * day))
            // At day 100 the lookback (90 days) reaches back to day 10: the first mark is gone.
            let history = try await store.engagementHistory(recipientKey: "crm-42", cohort: Self.cohort, now: Fixtures.at(100 * day))
            #expect(history.recipient.map(\.at) == [Fixtures.at(100 * day), Fixtures.at(50 * day)])
        }
    }
}
