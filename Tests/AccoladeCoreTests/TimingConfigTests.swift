import Foundation
import Testing

@testable import AccoladeCore

/// `categories`, `default_timezone` and `quiet_hours`/`send_window` at every level: what they
/// mean, and that every mistake names its key path.
@Suite struct TimingConfigTests {
    static let full = """
        default_timezone: Europe/Berlin
        quiet_hours: { start: "21:00", end: "08:00" }
        channels:
          email:
            from: "Acme <rewards@example.com>"
            smtp: { url: "smtp://127.0.0.1:2525" }
            quiet_hours: off
        categories:
          rewards:
            names: { en: Rewards, id: Hadiah }
          security:
            names: { en: Account security }
            required: true
            quiet_hours: off
          recognition:
            quiet_hours: { start: "20:00", end: "09:00" }
            send_window: { days: [mon, tue, wed, thu, fri], from: "09:00", until: "18:00" }
        """

    @Test func parsesEveryLevel() throws {
        let c = try AccoladeConfig.parse(yaml: Self.full, environment: [:])
        #expect(c.defaultTimeZone.identifier == "Europe/Berlin")
        #expect(c.quietHours == .hours(QuietHours(start: TimeOfDay("21:00")!, end: TimeOfDay("08:00")!)))
        #expect(c.channels.quietHours[.email] == .off && c.channels.quietHours[.sms] == nil)
        #expect(c.categories.names == ["recognition", "rewards", "security"])
        #expect(c.categories["rewards"]?.displayNames == ["en": "Rewards", "id": "Hadiah"])
        #expect(c.categories["rewards"]?.required == false)
        #expect(c.categories["security"]?.required == true && c.categories["security"]?.quietHours == .off)
        let window = try #require(c.categories["recognition"]?.sendWindow)
        #expect(window.days == [.mon, .tue, .wed, .thu, .fri] && window.from == TimeOfDay("09:00") && window.until == TimeOfDay("18:00"))
        #expect(c.categories.problem(with: "news")?.contains("declare it under categories:") == true)
    }

    @Test func defaultsAreUTCNoQuietHoursAndOnlyRewards() throws {
        let c = try AccoladeConfig.parse(yaml: "store: { sqlite: x.sqlite }\n", environment: [:])
        #expect(c.defaultTimeZone.secondsFromGMT() == 0 && c.quietHours == .inherit)
        #expect(c.categories.names == ["rewards"] && c.categories["rewards"]?.required == false)
        #expect(c.categories.problem(with: "rewards") == nil)
    }

    @Test(arguments: [
        ("default_timezone: Mars/Olympus", "default_timezone"),
        ("quiet_hours: { start: \"21:00\" }", "quiet_hours.end"),
        ("quiet_hours: { start: \"25:00\", end: \"08:00\" }", "quiet_hours.start"),
        ("quiet_hours: { start: \"08:00\", end: \"08:00\" }", "quiet_hours.end"),
        ("quiet_hours: { start: \"21:00\", end: \"08:00\", until: \"x\" }", "quiet_hours.until"),
        ("quiet_hours: sometimes", "quiet_hours"),
        ("channels:\n  email:\n    from: a@example.com\n    smtp: { url: \"smtp://127.0.0.1:25\" }\n    quiet_hours: { start: \"9\", end: \"10:00\" }", "channels.email.quiet_hours.start"),
        ("categories:\n  Rewards: {}", "categories.Rewards"),
        ("categories:\n  news:\n    required: maybe", "categories.news.required"),
        ("categories:\n  news:\n    colour: red", "categories.news.colour"),
        ("categories:\n  news:\n    names: { \"1x\": News }", "categories.news.names.1x"),
        ("categories:\n  news:\n    send_window: { days: [mon, funday], from: \"09:00\", until: \"18:00\" }", "categories.news.send_window.days[1]"),
        ("categories:\n  news:\n    send_window: { from: \"18:00\", until: \"09:00\" }", "categories.news.send_window.until"),
        ("categories:\n  news:\n    send_window: { from: \"09:00\" }", "categories.news.send_window.until"),
    ])
    func mistakesNameTheirKeyPath(yaml: String, path: String) {
        #expect {
            _ = try AccoladeConfig.parse(yaml: yaml, environment: [:])
        } throws: { error in
            (error as? ConfigError)?.path == path
        }
    }

    @Test func aDeferralIsScheduledWithoutAnAttemptAndAnUntimelyChannelIsSkippedMovingTheRouteOn() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let message = Message(
            id: "m1", template: "t", locale: nil, recipient: Recipient(email: "a@example.com"), data: .object([:]),
            route: Route(channels: [.sms, .email], mode: .fallback), idempotencyKey: nil, fingerprint: "f", createdAt: now)
        let claimed = ClaimedDelivery(
            delivery: Delivery(
                id: "d0", messageID: "m1", channel: .sms, position: 0, state: .running, attempts: 2, nextAttemptAt: now,
                leaseOwner: "w", updatedAt: now),
            message: message)
        var rng = SystemRandomNumberGenerator()
        let until = now.addingTimeInterval(3600)
        let deferred = DeliveryStateMachine.decide(
            claimed, result: .deferred(until: until, reason: "deferred to 08:00"), owner: "w", policy: RetryPolicy(), now: now, using: &rng)
        #expect(deferred.state == .scheduled && deferred.attempts == 2 && deferred.nextAttemptAt == until)
        #expect(deferred.attempt == nil && deferred.followUp == nil && deferred.lastError == "deferred to 08:00")
        #expect(DeliveryStateMachine.canTransition(from: .running, to: .scheduled))
        #expect(DeliveryTransition.deferral.sources == [.running] && DeliveryTransition.deferral.targets == [.scheduled])

        let untimely = DeliveryStateMachine.decide(
            claimed, result: .untimely("expires first"), owner: "w", policy: RetryPolicy(), now: now, using: &rng)
        #expect(untimely.state == .skipped && untimely.attempts == 2 && untimely.lastError == "expires first")
        #expect(untimely.attempt?.outcome == .skipped && untimely.attempt?.provider == "worker")
        #expect(untimely.followUp == .activateNext(messageID: "m1", afterPosition: 0, at: now))
    }

    @Test func aManifestMayNameACategory() throws {
        let manifest = try TemplateManifest.parse("description: d\ncategory: security\n", template: "t")
        #expect(manifest.category == "security")
        #expect(try TemplateManifest.parse("description: d\n", template: "t").category == nil)
        for bad in ["category: Security", "category: [a]", "category: \"\""] {
            #expect(throws: TemplateError.self, "\(bad)") { try TemplateManifest.parse("description: d\n\(bad)\n", template: "t") }
        }
    }
}
