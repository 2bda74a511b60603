import AccoladeCore
import AccoladeWorkflows
import Foundation
import Testing

@testable import AccoladeRuntime

/// The worker acts on the opt-outs the claim carried: an opted-out channel ends `skipped` with
/// the preference in the reason and without calling the channel, a fallback route moves on, and
/// a `required` category ignores the stored opt-out.
@Suite struct DeliveryWorkerPreferenceTests {
    @Test func anOptedOutChannelIsSkippedWithItsReasonAndAFallbackMovesOn() async throws {
        let now = ISOTime.parseInstant("2026-12-07T10:00:00Z")!
        let clock = FixedClock(date: now)
        let store = try await makeStore()
        let sms = ScriptedChannel(kind: .sms) { _ in DeliveryReceipt(provider: "fake") }
        let email = ScriptedChannel(kind: .email) { _ in DeliveryReceipt(provider: "fake") }
        let channels = ChannelRegistry([sms, email])
        let categories = CategoriesConfig(categories: [MessageCategory(name: "security", required: true)])
        let d = Dispatcher(
            store: store, renderer: StubRenderer(), channels: channels, clock: clock, logger: quietLogger, categories: categories)
        func send(_ category: String) async throws -> String {
            let request = SendRequest(
                template: "t", recipient: Recipient(email: "Ana@Example.com", phone: "+6281234567890"), channels: [.email, .sms],
                mode: .fallback, category: category)
            guard case .accepted(let m, _) = try await d.send([request])[0] else { throw ValidationError(field: "test", reason: "refused") }
            return m.id
        }
        try await store.setPreferences([
            Preference(
                recipientKey: "ana@example.com", category: "rewards", channel: .email, optedIn: false, source: .unsubscribe,
                updatedAt: ISOTime.parseInstant("2026-12-01T08:00:00Z")!),
            Preference(
                recipientKey: "ana@example.com", category: "security", channel: .email, optedIn: false, source: .api,
                updatedAt: ISOTime.parseInstant("2026-12-01T08:00:00Z")!),
        ])
        let reward = try await send("rewards")
        let security = try await send("security")

        let worker = DeliveryWorker(
            store: store, renderer: StubRenderer(), channels: channels, settings: fastSettings(), clock: clock, logger: quietLogger,
            requiredCategories: categories.requiredNames)
        try await worker.run()

        let route = try await store.deliveries(messageID: reward)
        #expect(route.map(\.state) == [.skipped, .sent])
        #expect(route[0].lastError == "recipient opted out of rewards on email (unsubscribe link, 2026-12-01)")
        #expect(route[0].attempts == 0)
        #expect(sms.requests.map(\.messageID) == [reward])
        // Required: the stored opt-out is ignored, email goes out and the fallback is not needed.
        #expect(email.requests.map(\.messageID) == [security])
        #expect(try await store.deliveries(messageID: security).map(\.state) == [.sent, .skipped])
    }
}
