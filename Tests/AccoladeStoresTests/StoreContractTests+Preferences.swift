import AccoladeCore
import Foundation
import Testing

/// The `Store` contract for recipients' preferences: explicit choices per recipient key ×
/// category × channel, an equal choice changing nothing, and the claim's batch lookup of opt-outs.
@Suite("Store contract: preferences")
struct StorePreferenceContractTests {
    func choice(
        _ key: String, _ category: String, _ channel: ChannelKind, in optedIn: Bool, _ source: PreferenceSource = .api, at offset: Int64 = 0
    ) -> Preference {
        Preference(recipientKey: key, category: category, channel: channel, optedIn: optedIn, source: source, updatedAt: Fixtures.at(offset))
    }

    @Test("choices are stored per key, category and channel; a repeat keeps its first time and source", arguments: StoreFactory.all)
    func storesChoices(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            #expect(try await store.preferences(recipientKey: "crm-42").isEmpty)
            #expect(try await store.setPreferences([]) == 0)
            let changed = try await store.setPreferences([
                choice("crm-42", "rewards", .email, in: false, .unsubscribe, at: 1),
                choice("crm-42", "rewards", .sms, in: true, .page, at: 2),
                choice("crm-42", "news", .email, in: false, .cli, at: 3),
                choice("crm-7", "rewards", .email, in: false, at: 4),
            ])
            #expect(changed == 4)
            // The same opt-out again (a second one-click POST) changes nothing.
            #expect(try await store.setPreferences([choice("crm-42", "rewards", .email, in: false, .page, at: 50)]) == 0)
            let stored = try await store.preferences(recipientKey: "crm-42")
            #expect(stored == [
                choice("crm-42", "news", .email, in: false, .cli, at: 3),
                choice("crm-42", "rewards", .email, in: false, .unsubscribe, at: 1),
                choice("crm-42", "rewards", .sms, in: true, .page, at: 2),
            ])
            // A different value replaces the choice, with its own source and time.
            #expect(try await store.setPreferences([choice("crm-42", "rewards", .email, in: true, .api, at: 60)]) == 1)
            let after = try await store.preferences(recipientKey: "crm-42")
            #expect(after.first { $0.category == "rewards" && $0.channel == .email } == choice("crm-42", "rewards", .email, in: true, .api, at: 60))
            #expect(try await store.preferences(recipientKey: "CRM-42").isEmpty)
        }
    }

    @Test("a claimed batch carries each delivery's opt-out of its category on its channel", arguments: StoreFactory.all)
    func claimCarriesOptOuts(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            _ = try await store.enqueue([Fixtures.request(channels: [.email, .sms, .whatsapp])])
            try await store.setPreferences([
                choice("crm-42", "rewards", .email, in: false, .unsubscribe, at: 1),
                choice("crm-42", "rewards", .sms, in: true, at: 2),
                choice("crm-42", "news", .whatsapp, in: false, at: 3),
                choice("crm-7", "rewards", .whatsapp, in: false, at: 4),
            ])
            let claimed = try await store.claim(owner: "w", limit: 10, now: Fixtures.t0, lease: 30)
            let optOuts = Dictionary(uniqueKeysWithValues: claimed.map { ($0.delivery.channel, $0.optOut) })
            #expect(optOuts.count == 3)
            #expect(optOuts[.email] == .some(choice("crm-42", "rewards", .email, in: false, .unsubscribe, at: 1)))
            #expect(optOuts[.sms] == .some(nil))
            #expect(optOuts[.whatsapp] == .some(nil))
        }
    }
}
