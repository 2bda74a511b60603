import AccoladeCore
import Foundation
import Testing

@testable import AccoladeWorkflows

/// The `send_at: optimal` picker as pure arithmetic: own history, cohort, default hour, quiet
/// hours and send windows, horizon and expiry, and Europe/Berlin's clock changes (29 March 2026
/// 02:00 → 03:00, 25 October 2026 03:00 → 02:00).
@Suite struct OptimalSendPickerTests {
    static let jakarta = RunClock(timeZone: TimeZone(identifier: "Asia/Jakarta")!)  // UTC+7
    static let berlin = RunClock(timeZone: TimeZone(identifier: "Europe/Berlin")!)
    static let open = SendTimingRules(quietHours: nil, sendWindow: nil)
    static let picker = OptimalSendPicker()

    static func t(_ text: String) -> Date { ISOTime.parseInstant(text)! }
    static func time(_ text: String) -> TimeOfDay { TimeOfDay(text)! }

    /// One event at `hour:minute` wall time on each of `days` (day numbers back from 2026-06-10).
    static func events(_ clock: RunClock, hour: Int, days: [Int], kind: EngagementEvent.Kind = .inboxRead) -> [EngagementEvent] {
        let today = CivilDay(year: 2026, month: 6, day: 10)!
        return days.map { EngagementEvent(at: clock.instant(day: today.adding(days: -$0), at: TimeOfDay(hour: hour, minute: 17)), kind: kind) }
    }

    static func wallHour(_ t: Date, _ clock: RunClock) -> Int { Int(clock.wallTime(of: t).secondOfDay / 3600) }

    @Test func picksTheRecipientsBestHourAndSaysWhy() {
        let now = Self.t("2026-06-10T03:00:00Z")  // Wed 10:00 in Jakarta
        let history = EngagementHistory(
            recipient: Self.events(Self.jakarta, hour: 19, days: [1, 2, 3, 5, 8, 9, 14]) + Self.events(Self.jakarta, hour: 8, days: [4, 6]))
        let choice = Self.picker.pick(history: history, clock: Self.jakarta, rules: Self.open, now: now, expiresAt: nil)
        #expect(choice.at == Self.t("2026-06-10T12:00:00Z"))  // Wed 19:00 WIB
        #expect(choice.basis == .recipient)
        #expect(choice.explanation == "Wed 2026-06-10 19:00 Asia/Jakarta: 7 of 9 past engagements between 19:00 and 20:00")
    }

    @Test func theCurrentHourIsNowNotItsStart() {
        let now = Self.t("2026-06-10T12:25:00Z")  // 19:25 WIB
        let history = EngagementHistory(recipient: Self.events(Self.jakarta, hour: 19, days: [1, 2, 3, 4, 5]))
        let choice = Self.picker.pick(history: history, clock: Self.jakarta, rules: Self.open, now: now, expiresAt: nil)
        #expect(choice.at == now)
    }

    @Test func neverInsideQuietHoursNorOutsideTheWindow() {
        let quiet = QuietHours(start: Self.time("21:00"), end: Self.time("08:00"))
        let window = SendWindow(days: [.mon, .tue, .wed, .thu, .fri], from: Self.time("09:00"), until: Self.time("18:00"))
        let rules = SendTimingRules(quietHours: quiet, sendWindow: window)
        let now = Self.t("2026-06-12T03:00:00Z")  // Fri 10:00 WIB; the horizon reaches Sat 10:00
        for hour in [22, 23, 2, 19, 7] {
            let history = EngagementHistory(recipient: Self.events(Self.jakarta, hour: hour, days: Array(1...10)))
            let choice = Self.picker.pick(history: history, clock: Self.jakarta, rules: rules, now: now, expiresAt: nil)
            #expect(quiet.end(ofQuietAt: choice.at, clock: Self.jakarta) == nil, "hour \(hour)")
            #expect(window.nextOpening(atOrAfter: choice.at, clock: Self.jakarta) == choice.at, "hour \(hour)")
            #expect(choice.at >= now && choice.at <= now.addingTimeInterval(86_400))
        }
        // 19:00 is outside the window: the nearest allowed hour by score is 17:00 (a neighbour's half).
        let evening = EngagementHistory(recipient: Self.events(Self.jakarta, hour: 18, days: Array(1...10)))
        let choice = Self.picker.pick(history: evening, clock: Self.jakarta, rules: rules, now: now, expiresAt: nil)
        #expect(Self.wallHour(choice.at, Self.jakarta) == 17 && choice.basis == .recipient)
    }

    @Test func theHorizonAndExpiryBoundThePick() {
        let now = Self.t("2026-06-10T03:00:00Z")  // 10:00 WIB
        let history = EngagementHistory(recipient: Self.events(Self.jakarta, hour: 19, days: Array(1...8)) + Self.events(Self.jakarta, hour: 12, days: [1, 2]))
        let short = OptimalSendPicker(config: OptimalSendConfig(horizon: 4 * 3600))
        let a = short.pick(history: history, clock: Self.jakarta, rules: Self.open, now: now, expiresAt: nil)
        #expect(Self.wallHour(a.at, Self.jakarta) == 12)  // 19:00 lies beyond 4 h
        let evenings = EngagementHistory(recipient: Self.events(Self.jakarta, hour: 19, days: Array(1...8)))
        let b = Self.picker.pick(history: evenings, clock: Self.jakarta, rules: Self.open, now: now, expiresAt: Self.t("2026-06-10T12:00:00Z"))
        #expect(b.at < Self.t("2026-06-10T12:00:00Z") && Self.wallHour(b.at, Self.jakarta) == 18)  // expires at 19:00
    }

    @Test func fewOwnEventsFallBackToTheCohort() {
        let now = Self.t("2026-06-10T03:00:00Z")
        let history = EngagementHistory(
            recipient: Self.events(Self.jakarta, hour: 8, days: [1, 2]),
            cohort: Self.events(Self.jakarta, hour: 13, days: Array(1...25)), cohortName: "id/Asia/Jakarta")
        let choice = Self.picker.pick(history: history, clock: Self.jakarta, rules: Self.open, now: now, expiresAt: nil)
        #expect(choice.basis == .cohort && Self.wallHour(choice.at, Self.jakarta) == 13)
        #expect(
            choice.explanation
                == "Wed 2026-06-10 13:00 Asia/Jakarta, cohort id/Asia/Jakarta: 25 of 25 past engagements between 13:00 and 14:00 (own history: 2 events, fewer than 5)")
    }

    @Test func noHistoryMeansTheDefaultHourShiftedOutOfQuietHours() {
        let now = Self.t("2026-06-10T13:00:00Z")  // 20:00 WIB
        let none = Self.picker.pick(history: EngagementHistory(), clock: Self.jakarta, rules: Self.open, now: now, expiresAt: nil)
        #expect(none.at == Self.t("2026-06-11T03:00:00Z") && none.basis == .default)
        #expect(none.explanation == "Thu 2026-06-11 10:00 Asia/Jakarta: no engagement history: default 10:00")
        let early = OptimalSendPicker(config: OptimalSendConfig(defaultHour: Self.time("07:30")))
        let rules = SendTimingRules(quietHours: QuietHours(start: Self.time("21:00"), end: Self.time("08:00")), sendWindow: nil)
        let moved = early.pick(history: EngagementHistory(), clock: Self.jakarta, rules: rules, now: now, expiresAt: nil)
        #expect(moved.at == Self.t("2026-06-11T01:00:00Z"))  // 08:00 WIB, the end of quiet hours
        let thin = Self.picker.pick(
            history: EngagementHistory(recipient: Self.events(Self.jakarta, hour: 19, days: [1])), clock: Self.jakarta, rules: Self.open, now: now,
            expiresAt: nil)
        #expect(thin.explanation.hasSuffix("own history: 1 event, fewer than 5: default 10:00"))
    }

    @Test func nothingAllowedLeavesItToTheClaimTimeCheck() {
        let now = Self.t("2026-06-10T13:00:00Z")
        let choice = Self.picker.pick(
            history: EngagementHistory(), clock: Self.jakarta, rules: Self.open, now: now, expiresAt: now.addingTimeInterval(0.5))
        #expect(choice.at == now && choice.explanation.hasPrefix("no allowed time within the horizon"))
    }

    @Test func springForwardSkippedHourIsNoCandidate() {
        // Sat 28 March 2026 12:00 CET; a habit at 02:xx (from winter nights). Sunday's 02:00 does not exist.
        let now = Self.t("2026-03-28T11:00:00Z")
        let today = CivilDay(year: 2026, month: 3, day: 28)!
        let history = EngagementHistory(
            recipient: (1...10).map { EngagementEvent(at: Self.berlin.instant(day: today.adding(days: -$0), at: TimeOfDay(hour: 2, minute: 10)), kind: .whatsappRead) })
        let choice = Self.picker.pick(history: history, clock: Self.berlin, rules: Self.open, now: now, expiresAt: nil)
        // Sunday 02:00 is a Sunday hour-of-week with no weight of its own; the best remaining is
        // an hour next to a 02:xx of Saturday night — 01:00 or 03:00 on Sunday.
        let hour = Self.wallHour(choice.at, Self.berlin)
        #expect(hour == 1 || hour == 3)
        #expect(choice.at >= now && choice.at <= now.addingTimeInterval(86_400))
        let candidates = Self.picker.candidates(clock: Self.berlin, rules: Self.open, now: now, expiresAt: nil)
        #expect(!candidates.contains { $0.hour == 2 })
        #expect(Set(candidates.map(\.at)).count == candidates.count)
    }

    @Test func fallBackRepeatedHourIsItsFirstOccurrence() {
        // Sat 24 October 2026 12:00 CEST; habit at 02:xx on Sundays. Sunday's 02:00 happens twice.
        let now = Self.t("2026-10-24T10:00:00Z")
        let sunday = CivilDay(year: 2026, month: 10, day: 25)!
        let history = EngagementHistory(
            recipient: (1...6).map { EngagementEvent(at: Self.berlin.instant(day: sunday.adding(days: -7 * $0), at: TimeOfDay(hour: 2, minute: 5)), kind: .redemption) })
        let choice = Self.picker.pick(history: history, clock: Self.berlin, rules: Self.open, now: now, expiresAt: nil)
        #expect(choice.at == Self.t("2026-10-25T00:00:00Z"))  // 02:00 CEST, the first 02:00
        #expect(choice.explanation.hasPrefix("Sun 2026-10-25 02:00 Europe/Berlin: 6 of 6"))
    }

    @Test func decayFavoursRecentHabits() {
        let now = Self.t("2026-06-10T03:00:00Z")
        // Eight reads at 08:xx two months ago, six at 20:xx this week: recent wins.
        let history = EngagementHistory(
            recipient: Self.events(Self.jakarta, hour: 8, days: Array(60...67)) + Self.events(Self.jakarta, hour: 20, days: Array(1...6)))
        let choice = Self.picker.pick(history: history, clock: Self.jakarta, rules: Self.open, now: now, expiresAt: nil)
        #expect(Self.wallHour(choice.at, Self.jakarta) == 20)
    }

    @Test func simulationBeatsImmediateSendingThreefold() {
        let a = OptimalSendSimulation(recipients: 500, seed: 17).run()
        let b = OptimalSendSimulation(recipients: 500, seed: 17).run()
        #expect(a == b)  // seeded: the same every run
        #expect(a.lift >= 3, "optimal \(a.optimalShare), immediate \(a.immediateShare)")
        #expect(a.bases.values.reduce(0, +) == 500)
    }
}
