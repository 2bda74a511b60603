import AccoladeCore
import AccoladeWorkflows
import Foundation
import Testing

@testable import AccoladeRuntime

/// The worker asks ``SendTiming`` about every claimed delivery: inside quiet hours it hands the
/// delivery back `scheduled` without calling the channel; when the quiet hours outlast the
/// message, the channel is skipped and a fallback route moves on.
@Suite struct DeliveryWorkerTimingTests {
    @Test func quietHoursDeferSkipAndMoveAFallbackOnWithoutCallingTheChannel() async throws {
        let now = ISOTime.parseInstant("2026-06-10T16:00:00Z")!  // 23:00 in Jakarta, 12:00 in New York
        let clock = FixedClock(date: now)
        let store = try await makeStore()
        let sms = ScriptedChannel(kind: .sms) { _ in DeliveryReceipt(provider: "fake") }
        let email = ScriptedChannel(kind: .email) { _ in DeliveryReceipt(provider: "fake") }
        let channels = ChannelRegistry([sms, email])
        let night = QuietHours(start: TimeOfDay("21:00")!, end: TimeOfDay("08:00")!)
        let timing = SendTiming(quietHours: .hours(night), channelQuietHours: [.email: .off])

        let d = Dispatcher(store: store, renderer: StubRenderer(), channels: channels, clock: clock, logger: quietLogger)
        func send(_ zone: String, _ route: [ChannelKind], mode: RouteMode = .all, expiresAt: Date? = nil) async throws -> String {
            let request = SendRequest(
                template: "t", recipient: Recipient(email: "a@example.com", phone: "+6281234567890", timezone: zone), channels: route,
                mode: mode, expiresAt: expiresAt)
            guard case .accepted(let m, _) = try await d.send([request])[0] else { throw ValidationError(field: "test", reason: "refused") }
            return m.id
        }
        let asleep = try await send("Asia/Jakarta", [.sms])
        let awake = try await send("America/New_York", [.sms])
        let expiring = try await send("Asia/Jakarta", [.sms, .email], mode: .fallback, expiresAt: now.addingTimeInterval(7200))

        let worker = DeliveryWorker(
            store: store, renderer: StubRenderer(), channels: channels, settings: fastSettings(), clock: clock, logger: quietLogger,
            timing: timing)
        try await worker.run()

        #expect(sms.requests.map(\.messageID) == [awake])
        let deferred = try await store.deliveries(messageID: asleep)[0]
        #expect(deferred.state == .scheduled && deferred.attempts == 0)
        #expect(deferred.nextAttemptAt == ISOTime.parseInstant("2026-06-11T01:00:00Z"))  // 08:00 WIB
        #expect(deferred.lastError == "deferred to 2026-06-11 08:00 Asia/Jakarta by quiet hours 21:00–08:00 (quiet_hours)")
        #expect(try await store.attempts(messageID: asleep).isEmpty)

        let route = try await store.deliveries(messageID: expiring)
        #expect(route.map(\.state) == [.skipped, .sent])
        #expect(route[0].lastError?.contains("is not before the message expires") == true)
        #expect(email.requests.map(\.messageID) == [expiring])
    }
}
