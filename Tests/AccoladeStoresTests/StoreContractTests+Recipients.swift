import AccoladeCore
import Foundation
import Testing

/// The `Store` contract for recipient records: per-channel suppressions and inbound activity.
@Suite("Store contract: suppressions and inbound activity")
struct StoreRecipientContractTests {
    func entry(_ channel: ChannelKind, _ address: String, _ reason: String, at offset: Int64 = 0) -> Suppression {
        Suppression(channel: channel, address: address, reason: reason, source: "test", createdAt: Fixtures.at(offset))
    }

    @Test("suppressions are per channel, keep their first reason, list in address order and page", arguments: StoreFactory.all)
    func suppressions(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            #expect(try await store.suppress([]) == 0)
            let added = try await store.suppress([
                entry(.sms, "+628222", "replied STOP", at: 1), entry(.sms, "+628111", "twilio 21610", at: 2),
                entry(.whatsapp, "+628111", "whatsapp 131050", at: 3), entry(.sms, "+628222", "again", at: 4),
            ])
            #expect(added == 3)
            #expect(try await store.suppress([entry(.sms, "+628111", "later reason", at: 5)]) == 0)
            let first = try #require(try await store.suppression(channel: .sms, address: "+628111"))
            #expect(first == entry(.sms, "+628111", "twilio 21610", at: 2))
            #expect(try await store.suppression(channel: .email, address: "+628111") == nil)
            let all = try await store.suppressions(channel: nil, after: nil, limit: 10)
            #expect(all.map { "\($0.address) \($0.channel)" } == ["+628111 sms", "+628111 whatsapp", "+628222 sms"])
            let sms = try await store.suppressions(channel: .sms, after: nil, limit: 1)
            #expect(sms.map(\.address) == ["+628111"])
            #expect(try await store.suppressions(channel: .sms, after: "+628111", limit: 10).map(\.address) == ["+628222"])
            #expect(try await store.unsuppress(channel: .sms, address: "+628111"))
            #expect(try await store.unsuppress(channel: .sms, address: "+628111") == false)
            #expect(try await store.suppression(channel: .sms, address: "+628111") == nil)
            #expect(try await store.suppression(channel: .whatsapp, address: "+628111") != nil)
        }
    }

    @Test("inbound activity keeps the latest time per channel and address, whatever the arrival order", arguments: StoreFactory.all)
    func inbound(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            #expect(try await store.lastInbound(channel: .whatsapp, address: "+628111") == nil)
            try await store.recordInbound(channel: .whatsapp, address: "+628111", at: Fixtures.at(10))
            try await store.recordInbound(channel: .whatsapp, address: "+628111", at: Fixtures.at(5))
            #expect(try await store.lastInbound(channel: .whatsapp, address: "+628111") == Fixtures.at(10))
            try await store.recordInbound(channel: .whatsapp, address: "+628111", at: Fixtures.at(20))
            #expect(try await store.lastInbound(channel: .whatsapp, address: "+628111") == Fixtures.at(20))
            #expect(try await store.lastInbound(channel: .sms, address: "+628111") == nil)
        }
    }

    @Test("a claimed batch says per delivery whether its channel's address is suppressed", arguments: StoreFactory.all)
    func claimChecksSuppressions(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            _ = try await store.enqueue([Fixtures.request(channels: [.email, .sms, .whatsapp])])
            try await store.suppress([entry(.sms, "+6281234567890", "replied STOP"), entry(.email, "ana@example.test", "unsubscribed")])
            let claimed = try await store.claim(owner: "w", limit: 10, now: Fixtures.t0, lease: 30)
            let checks = Dictionary(uniqueKeysWithValues: claimed.map { ($0.delivery.channel, $0.suppression) })
            #expect(checks[.sms] == .suppressed(entry(.sms, "+6281234567890", "replied STOP")))
            #expect(checks[.email] == .suppressed(entry(.email, "ana@example.test", "unsubscribed")))
            #expect(checks[.whatsapp] == .clear)
            let windows = Dictionary(uniqueKeysWithValues: claimed.map { ($0.delivery.channel, $0.lastInbound) })
            #expect(windows[.whatsapp] == .known(nil))
            #expect(windows[.sms] == .unknown)
        }
    }

    @Test("a claimed WhatsApp delivery carries the recipient's last inbound time", arguments: StoreFactory.all)
    func claimChecksInbound(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            _ = try await store.enqueue([Fixtures.request(channels: [.whatsapp])])
            try await store.recordInbound(channel: .whatsapp, address: "+6281234567890", at: Fixtures.at(-5_000))
            let claimed = try #require(try await store.claim(owner: "w", limit: 10, now: Fixtures.t0, lease: 30).first)
            #expect(claimed.lastInbound == .known(Fixtures.at(-5_000)))
        }
    }
}
