import AccoladeCore
import AccoladeStoreTestSupport
import AccoladeWorkflows
import Foundation
import Testing

@testable import AccoladeRuntime

/// `send_at: optimal` through the dispatcher: the store's engagement history read by recipient
/// key and cohort, the picked time on the message and its deliveries, quiet hours respected.
@Suite struct DispatcherOptimalSendTests {
    /// A store whose engagement history is given, remembering what it was asked.
    final class HistoryStore: ForwardingStore, @unchecked Sendable {
        var history = EngagementHistory()
        var asked: [(String, String)] = []
        override func engagementHistory(recipientKey: String, cohort: String, now: Date) async throws -> EngagementHistory {
            asked.append((recipientKey, cohort))
            var h = history
            h.cohortName = cohort
            return h
        }
    }

    static let now = ISOTime.parseInstant("2026-06-10T03:00:00Z")!  // Wed 10:00 in Jakarta
    static let jakarta = RunClock(timeZone: TimeZone(identifier: "Asia/Jakarta")!)

    static func reads(hour: Int) -> [EngagementEvent] {
        let today = CivilDay(year: 2026, month: 6, day: 10)!
        return (1...6).map { EngagementEvent(at: jakarta.instant(day: today.adding(days: -$0), at: TimeOfDay(hour: hour, minute: 20)), kind: .whatsappRead) }
    }

    func send(_ store: HistoryStore, timing: SendTiming = SendTiming()) async throws -> (Message, [Delivery]) {
        var d = Dispatcher(
            store: store, renderer: StubRenderer(), channels: ChannelRegistry([ScriptedChannel(kind: .email) { _ in DeliveryReceipt(provider: "fake", providerMessageID: "x", code: "250", detail: "ok") }]),
            clock: FixedClock(date: Self.now), logger: quietLogger)
        d.timing = timing
        var request = SendRequest(
            template: "t", recipient: Recipient(email: "Ana@Example.test", locale: "id-ID", timezone: "Asia/Jakarta"), channels: [.email])
        request.optimalSendAt = true
        guard case .accepted(let m, let deliveries) = try await d.send([request])[0] else { throw ValidationError(field: "test", reason: "not accepted") }
        return (m, deliveries)
    }

    @Test func picksFromTheRecipientsHistoryAndSchedulesTheDeliveries() async throws {
        let store = HistoryStore(try await makeStore())
        store.history = EngagementHistory(recipient: Self.reads(hour: 19))
        let (message, deliveries) = try await send(store)
        #expect(store.asked.count == 1 && store.asked[0] == ("ana@example.test", "id-ID/Asia/Jakarta"))
        #expect(message.sendAt == ISOTime.parseInstant("2026-06-10T12:00:00Z"))
        #expect(message.sendAtReason == "optimal send time: Wed 2026-06-10 19:00 Asia/Jakarta: 6 of 6 past engagements between 19:00 and 20:00")
        #expect(deliveries.allSatisfy { $0.nextAttemptAt == message.sendAt && $0.state == .scheduled })
        #expect(try await store.message(id: message.id)?.sendAtReason == message.sendAtReason)
    }

    @Test func neverPicksInsideQuietHours() async throws {
        let store = HistoryStore(try await makeStore())
        store.history = EngagementHistory(recipient: Self.reads(hour: 22))
        let night = QuietHours(start: TimeOfDay("21:00")!, end: TimeOfDay("08:00")!)
        let (message, _) = try await send(store, timing: SendTiming(quietHours: .hours(night)))
        let sendAt = try #require(message.sendAt)
        #expect(night.end(ofQuietAt: sendAt, clock: Self.jakarta) == nil)
        #expect(sendAt >= Self.now && sendAt <= Self.now.addingTimeInterval(86_400))
    }
}
