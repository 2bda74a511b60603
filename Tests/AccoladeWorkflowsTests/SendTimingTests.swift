import AccoladeCore
import Foundation
import Testing

@testable import AccoladeWorkflows

/// Quiet hours and send windows as pure arithmetic on wall clocks: windows crossing midnight,
/// weekdays, precedence, expiry, and Europe/Berlin's clock changes (the last Sundays of March and
/// October 2026: 29 March 02:00 → 03:00, 25 October 03:00 → 02:00).
@Suite struct SendTimingTests {
    static let berlin = RunClock(timeZone: TimeZone(identifier: "Europe/Berlin")!)
    static let jakarta = RunClock(timeZone: TimeZone(identifier: "Asia/Jakarta")!)

    /// The instant of an RFC 3339 text.
    static func t(_ text: String) -> Date { ISOTime.parseInstant(text)! }
    static func time(_ text: String) -> TimeOfDay { TimeOfDay(text)! }
    static let night = QuietHours(start: time("21:00"), end: time("08:00"))

    @Test func quietHoursCrossingMidnightEndNextMorning() {
        let q = Self.night, clock = Self.jakarta  // UTC+7, no DST
        #expect(q.end(ofQuietAt: Self.t("2026-06-10T13:59:59Z"), clock: clock) == nil)  // 20:59:59
        #expect(q.end(ofQuietAt: Self.t("2026-06-10T14:00:00Z"), clock: clock) == Self.t("2026-06-11T01:00:00Z"))  // 21:00 → 08:00
        #expect(q.end(ofQuietAt: Self.t("2026-06-10T20:30:00Z"), clock: clock) == Self.t("2026-06-11T01:00:00Z"))  // 03:30
        #expect(q.end(ofQuietAt: Self.t("2026-06-11T00:59:00Z"), clock: clock) == Self.t("2026-06-11T01:00:00Z"))  // 07:59
        #expect(q.end(ofQuietAt: Self.t("2026-06-11T01:00:00Z"), clock: clock) == nil)  // 08:00: the end is not quiet
    }

    @Test func quietHoursWithinOneDay() {
        let lunch = QuietHours(start: Self.time("12:00"), end: Self.time("13:30"))
        #expect(!lunch.crossesMidnight)
        #expect(lunch.end(ofQuietAt: Self.t("2026-06-10T05:00:00Z"), clock: Self.jakarta) == Self.t("2026-06-10T06:30:00Z"))
        #expect(lunch.end(ofQuietAt: Self.t("2026-06-10T06:30:00Z"), clock: Self.jakarta) == nil)
        #expect(lunch.end(ofQuietAt: Self.t("2026-06-10T04:59:00Z"), clock: Self.jakarta) == nil)
    }

    @Test func springForwardSkippedEndIsTheFirstInstantAfterTheGap() {
        // Quiet 22:00–02:30 on 28/29 March 2026: 02:30 does not exist in Berlin; 03:00 CEST does.
        let q = QuietHours(start: Self.time("22:00"), end: Self.time("02:30"))
        let end = q.end(ofQuietAt: Self.t("2026-03-28T23:00:00Z"), clock: Self.berlin)  // 00:00 CET
        #expect(end == Self.t("2026-03-29T01:00:00Z"))  // 03:00 CEST
        // From 22:00 CET (21:00Z) to 03:00 CEST (01:00Z): five wall hours, four real ones.
        #expect(q.end(ofQuietAt: Self.t("2026-03-28T21:00:00Z"), clock: Self.berlin) == end)
        #expect(q.end(ofQuietAt: Self.t("2026-03-29T01:00:00Z"), clock: Self.berlin) == nil)
        // 08:00 on the morning after the change is 06:00Z (CEST), not 07:00Z.
        #expect(Self.night.end(ofQuietAt: Self.t("2026-03-29T02:00:00Z"), clock: Self.berlin) == Self.t("2026-03-29T06:00:00Z"))
    }

    @Test func springForwardSkippedStartBeginsAtTheFirstInstantAfterTheGap() {
        let q = QuietHours(start: Self.time("02:30"), end: Self.time("06:00"))
        // 01:59 CET (00:59Z) is before it; 03:00 CEST (01:00Z) is the first quiet instant.
        #expect(q.end(ofQuietAt: Self.t("2026-03-29T00:59:00Z"), clock: Self.berlin) == nil)
        #expect(q.end(ofQuietAt: Self.t("2026-03-29T01:00:00Z"), clock: Self.berlin) == Self.t("2026-03-29T04:00:00Z"))
    }

    @Test func fallBackRepeatedEndIsItsFirstOccurrence() {
        // 25 October 2026: 02:00–03:00 happens twice (CEST 00:00Z–01:00Z, then CET 01:00Z–02:00Z).
        let q = QuietHours(start: Self.time("22:00"), end: Self.time("02:30"))
        #expect(q.end(ofQuietAt: Self.t("2026-10-24T23:00:00Z"), clock: Self.berlin) == Self.t("2026-10-25T00:30:00Z"))  // first 02:30 (CEST)
        // The second 02:30 (CET, 01:30Z) is outside the night's quiet hours: they ended at the first.
        #expect(q.end(ofQuietAt: Self.t("2026-10-25T01:30:00Z"), clock: Self.berlin) == nil)
        // The usual night still ends at 08:00 CET = 07:00Z that morning.
        #expect(Self.night.end(ofQuietAt: Self.t("2026-10-25T01:30:00Z"), clock: Self.berlin) == Self.t("2026-10-25T07:00:00Z"))
    }

    @Test func sendWindowOpensOnItsDaysOnly() {
        let office = SendWindow(days: [.mon, .tue, .wed, .thu, .fri], from: Self.time("09:00"), until: Self.time("18:00"))
        let clock = Self.jakarta
        // Wednesday 10 June 2026 10:00 WIB: open.
        #expect(office.nextOpening(atOrAfter: Self.t("2026-06-10T03:00:00Z"), clock: clock) == Self.t("2026-06-10T03:00:00Z"))
        // Wednesday 07:00 → 09:00 the same day.
        #expect(office.nextOpening(atOrAfter: Self.t("2026-06-10T00:00:00Z"), clock: clock) == Self.t("2026-06-10T02:00:00Z"))
        // Friday 18:00 (closed: `until` is outside) → Monday 09:00.
        #expect(office.nextOpening(atOrAfter: Self.t("2026-06-12T11:00:00Z"), clock: clock) == Self.t("2026-06-15T02:00:00Z"))
        // Saturday noon → Monday 09:00.
        #expect(office.nextOpening(atOrAfter: Self.t("2026-06-13T05:00:00Z"), clock: clock) == Self.t("2026-06-15T02:00:00Z"))
        #expect(Weekday(dayNumber: 0) == .thu && Weekday(dayNumber: -1) == .wed && Weekday(dayNumber: 4) == .mon)
    }

    @Test func sendWindowAcrossSpringForward() {
        // Sunday 29 March 2026 in Berlin: a window from 02:30 opens at 03:00 CEST (01:00Z).
        let early = SendWindow(days: [.sun], from: Self.time("02:30"), until: Self.time("05:00"))
        #expect(early.nextOpening(atOrAfter: Self.t("2026-03-28T23:00:00Z"), clock: Self.berlin) == Self.t("2026-03-29T01:00:00Z"))
    }

    @Test func quietHoursAndWindowCombine() {
        // Weekdays 09:00–18:00, quiet 08:00–10:00 (a category's morning calm): Monday 07:00 → 10:00.
        let rules = SendTimingRules(
            quietHours: QuietHours(start: Self.time("08:00"), end: Self.time("10:00")), quietHoursKey: "categories.news.quiet_hours",
            sendWindow: SendWindow(days: [.mon, .tue, .wed, .thu, .fri], from: Self.time("09:00"), until: Self.time("18:00")),
            sendWindowKey: "categories.news.send_window")
        let found = rules.earliest(atOrAfter: Self.t("2026-06-15T00:00:00Z"), clock: Self.jakarta)
        #expect(found?.at == Self.t("2026-06-15T03:00:00Z") && found?.quiet == true && found?.window == true)
        // A window wholly inside quiet hours never opens.
        let impossible = SendTimingRules(
            quietHours: Self.night, sendWindow: SendWindow(from: Self.time("22:00"), until: Self.time("23:00")))
        #expect(impossible.earliest(atOrAfter: Self.t("2026-06-15T00:00:00Z"), clock: Self.jakarta) == nil)
        guard case .skip(let reason) = impossible.decision(at: Self.t("2026-06-15T00:00:00Z"), expiresAt: nil, clock: Self.jakarta) else {
            Issue.record("expected a skip")
            return
        }
        #expect(reason.contains("no time is allowed"))
    }

    @Test func decisionsDeferSkipOnExpiryAndSayWhy() {
        let rules = SendTimingRules(quietHours: Self.night, quietHoursKey: "quiet_hours", sendWindow: nil)
        let now = Self.t("2026-06-10T16:00:00Z")  // 23:00 WIB
        #expect(rules.decision(at: Self.t("2026-06-10T05:00:00Z"), expiresAt: nil, clock: Self.jakarta) == .now)
        guard case .deferred(let until, let reason) = rules.decision(at: now, expiresAt: nil, clock: Self.jakarta) else {
            Issue.record("expected a deferral")
            return
        }
        #expect(until == Self.t("2026-06-11T01:00:00Z"))
        #expect(reason == "deferred to 2026-06-11 08:00 Asia/Jakarta by quiet hours 21:00–08:00 (quiet_hours)")
        // Expiring before 08:00 (or at it): skipped now, not held until it can only expire.
        for expiry in ["2026-06-11T00:59:00Z", "2026-06-11T01:00:00Z"] {
            guard case .skip(let why) = rules.decision(at: now, expiresAt: Self.t(expiry), clock: Self.jakarta) else {
                Issue.record("expected a skip for \(expiry)")
                continue
            }
            #expect(why.contains("is not before the message expires"))
        }
        #expect(rules.decision(at: now, expiresAt: Self.t("2026-06-11T01:00:01Z"), clock: Self.jakarta) != .now)
    }

    @Test func theMostSpecificLevelWinsAndOffSwitchesQuietHoursOff() {
        let evening = QuietHours(start: Self.time("20:00"), end: Self.time("09:00"))
        let sms = QuietHours(start: Self.time("22:00"), end: Self.time("07:00"))
        let timing = SendTiming(
            quietHours: .hours(Self.night), channelQuietHours: [.sms: .hours(sms), .inbox: .off],
            categories: CategoriesConfig(categories: [
                MessageCategory(name: "security", required: true, quietHours: .off),
                MessageCategory(name: "news", quietHours: .hours(evening)),
            ]))
        #expect(timing.rules(category: "rewards", channel: .email).quietHours == Self.night)
        #expect(timing.rules(category: "rewards", channel: .email).quietHoursKey == "quiet_hours")
        #expect(timing.rules(category: "rewards", channel: .sms).quietHours == sms)
        #expect(timing.rules(category: "rewards", channel: .inbox).quietHours == nil)
        #expect(timing.rules(category: "news", channel: .sms).quietHours == evening)
        #expect(timing.rules(category: "news", channel: .sms).quietHoursKey == "categories.news.quiet_hours")
        #expect(timing.rules(category: "security", channel: .sms).isEmpty)
        #expect(!timing.isEmpty && SendTiming().isEmpty)
    }

    @Test func theRecipientsZoneElseTheDefault() {
        let timing = SendTiming(quietHours: .hours(Self.night), defaultTimeZone: TimeZone(identifier: "Europe/Berlin")!)
        func message(zone: String?) -> Message {
            Message(
                id: "m", template: "t", locale: nil, recipient: Recipient(email: "a@example.com", timezone: zone), data: .object([:]),
                route: Route(channels: [.email], mode: .all), idempotencyKey: nil, fingerprint: "f", createdAt: Self.t("2026-06-10T00:00:00Z"))
        }
        let now = Self.t("2026-06-10T20:00:00Z")  // 22:00 in Berlin, 03:00 in Jakarta
        guard case .deferred(let berlinUntil, _) = timing.decision(for: message(zone: nil), channel: .email, at: now),
            case .deferred(let jakartaUntil, _) = timing.decision(for: message(zone: "Asia/Jakarta"), channel: .email, at: now)
        else {
            Issue.record("expected deferrals")
            return
        }
        #expect(berlinUntil == Self.t("2026-06-11T06:00:00Z"))  // 08:00 CEST
        #expect(jakartaUntil == Self.t("2026-06-11T01:00:00Z"))  // 08:00 WIB
        #expect(timing.decision(for: message(zone: "America/New_York"), channel: .email, at: now) == .now)  // 16:00
    }
}
