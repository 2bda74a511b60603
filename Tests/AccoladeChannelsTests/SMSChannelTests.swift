import AccoladeChannels
import AccoladeCore
import Foundation
import Testing

/// The SMS channel's logic with scripted providers and a manual clock: no network, no sleeps.
struct SMSChannelTests {
    func channel(
        _ providers: [SMSChannel.ProviderSlot], clock: ManualClock = ManualClock(), maxSegments: Int = 6,
        breaker: CircuitBreaker.Settings = .init(failureThreshold: 2, openDuration: 30), suppressions: (any SuppressionList)? = nil
    ) throws -> SMSChannel {
        try SMSChannel(
            providers: providers, settings: .init(maxSegments: maxSegments, breaker: breaker), suppressions: suppressions, clock: clock,
            logger: SMSFixtures.logger)
    }

    @Test func noProviderIsAConfigurationErrorNotACrash() {
        #expect(throws: ConfigError.self) { try SMSChannel(providers: [], logger: SMSFixtures.logger) }
    }

    @Test func validatesNumbersAndSizeAtSendTime() throws {
        let sms = try channel([.init(ScriptedProvider("a"))], maxSegments: 2)
        try sms.validate(recipient: Recipient(phone: "+6281234567890"))
        #expect(throws: ValidationError(field: "to.phone", reason: "is missing; the sms channel needs an E.164 number like +6281234567890")) {
            try sms.validate(recipient: Recipient(email: "ana@example.com"))
        }
        do {
            try sms.validate(recipient: Recipient(phone: "0812-3456-7890"))
            Issue.record("a local number was accepted")
        } catch {
            #expect(error.field == "to.phone")
            #expect(error.reason.contains("\"0812-3456-7890\" is not an E.164 number"))
        }
        try sms.validate(content: .sms(text: String(repeating: "a", count: 306)))
        do {
            try sms.validate(content: .sms(text: String(repeating: "a", count: 307)))
            Issue.record("three segments accepted with max_segments 2")
        } catch {
            #expect(error.reason.contains("needs 3 segments (307 GSM-7 units), more than channels.sms.max_segments = 2"))
        }
        do {
            try sms.validate(content: .sms(text: String(repeating: "😀", count: 68)))
            Issue.record("UCS-2 over the limit accepted")
        } catch {
            #expect(error.reason.contains("needs 3 segments (136 UCS-2 units)"))
        }
        #expect(throws: ValidationError.self) { try sms.validate(content: .sms(text: "")) }
    }

    @Test func sendsThroughTheFirstProviderWithTheAnalysis() async throws {
        let first = ScriptedProvider("gateway")
        let second = ScriptedProvider("backup")
        let sms = try channel([.init(first), .init(second)])
        #expect(sms.providerName == "gateway,backup")
        let receipt = try await sms.deliver(SMSFixtures.request(text: "Halo Jürgen 😀"))
        #expect(receipt.provider == "gateway")
        #expect(first.sent.count == 1 && second.sent.isEmpty)
        #expect(first.sent[0].to == "+6281234567890")
        #expect(first.sent[0].analysis.encoding == .ucs2)
        #expect(first.sent[0].deliveryID == "d-1")
    }

    @Test func refusesBadRequestsBeforeAnyProvider() async throws {
        let provider = ScriptedProvider("gateway")
        let sms = try channel([.init(provider)], maxSegments: 1)
        for request in [SMSFixtures.request(to: "+0000"), SMSFixtures.request(to: nil), SMSFixtures.request(text: String(repeating: "x", count: 161))] {
            await #expect(throws: DeliveryError.self) { try await sms.deliver(request) }
            do { _ = try await sms.deliver(request) } catch { #expect(error.disposition == .permanent) }
        }
        #expect(provider.sent.isEmpty)
    }

    @Test func providerFailuresFailOverToTheNextProvider() async throws {
        let first = ScriptedProvider("gateway", script: [ScriptedProvider.fail("gateway", .retry(after: nil), scope: .provider)])
        let second = ScriptedProvider("backup")
        let sms = try channel([.init(first), .init(second)])
        let receipt = try await sms.deliver(SMSFixtures.request())
        #expect(receipt.provider == "backup")
        #expect(first.sent.count == 1 && second.sent.count == 1)
        // A route failure (not routable there) also moves on.
        let routeless = ScriptedProvider("gateway", script: [ScriptedProvider.fail("gateway", .permanent, scope: .route, code: "403")])
        #expect(try await channel([.init(routeless), .init(ScriptedProvider("backup"))]).deliver(SMSFixtures.request()).provider == "backup")
    }

    @Test func messageFailuresStopAtOnce() async throws {
        let first = ScriptedProvider("gateway", script: [ScriptedProvider.fail("gateway", .permanent, scope: .message, code: "21211")])
        let second = ScriptedProvider("backup")
        let sms = try channel([.init(first), .init(second)])
        do {
            _ = try await sms.deliver(SMSFixtures.request())
            Issue.record("expected a failure")
        } catch {
            #expect(error.disposition == .permanent && error.code == "21211" && error.provider == "gateway")
        }
        #expect(second.sent.isEmpty)
    }

    @Test func suppressedRecipientsAreSkippedBeforeAnyProviderAndOptOutsAreRemembered() async throws {
        let list = InMemorySuppressionList([
            Suppression(channel: .sms, address: "+6281234567890", reason: "replied STOP on 2026-11-20", source: "inbound:twilio", createdAt: Date(timeIntervalSince1970: 0))
        ])
        let provider = ScriptedProvider("twilio", script: [ScriptedProvider.fail("twilio", .suppressed, scope: .message, code: "21610")])
        let sms = try channel([.init(provider)], suppressions: list)
        do {
            _ = try await sms.deliver(SMSFixtures.request())
            Issue.record("a suppressed number was sent to")
        } catch {
            #expect(error.disposition == .suppressed)
            #expect(error.detail == "+6281234567890 is suppressed: replied STOP on 2026-11-20")
        }
        #expect(provider.sent.isEmpty)
        // Twilio's 21610 for a number we did not know about adds it to the list.
        await #expect(throws: DeliveryError.self) { try await sms.deliver(SMSFixtures.request(to: "+15005550004")) }
        let remembered = try await list.suppression(channel: .sms, address: "+15005550004")
        #expect(remembered?.reason == "twilio 21610: scripted 21610")
        #expect(remembered?.source == "provider:twilio")
        #expect(provider.sent.count == 1)
    }

    @Test func combinedErrorWhenNoProviderAccepts() async throws {
        func run(_ a: Result<DeliveryReceipt, SMSProviderFailure>, _ b: Result<DeliveryReceipt, SMSProviderFailure>) async throws -> DeliveryError? {
            let sms = try channel([.init(ScriptedProvider("a", script: [a])), .init(ScriptedProvider("b", script: [b]))])
            do { _ = try await sms.deliver(SMSFixtures.request()); return nil } catch { return error }
        }
        let retry = try await run(ScriptedProvider.fail("a", .retry(after: nil), scope: .provider), ScriptedProvider.fail("b", .retry(after: .seconds(9)), scope: .provider))
        #expect(retry?.disposition == .retry(after: .seconds(9)))
        #expect(retry?.provider == "b")
        #expect(retry?.detail == "no provider accepted the message: a 500: scripted 500; b 500: scripted 500")
        let throttled = try await run(ScriptedProvider.fail("a", .rateLimited(after: .seconds(4)), scope: .provider), ScriptedProvider.fail("b", .rateLimited(after: .seconds(2)), scope: .provider))
        #expect(throttled?.disposition == .rateLimited(after: .seconds(2)))
        let permanent = try await run(ScriptedProvider.fail("a", .permanent, scope: .provider, code: "20003"), ScriptedProvider.fail("b", .permanent, scope: .route, code: "403"))
        #expect(permanent?.disposition == .permanent)
        let mixed = try await run(ScriptedProvider.fail("a", .permanent, scope: .provider, code: "20003"), ScriptedProvider.fail("b", .retry(after: nil), scope: .provider))
        #expect(mixed?.disposition == .retry(after: nil))
    }

    @Test func misconfiguredProvidersFailOverAndOnlyAllMisconfiguredIsMisconfigured() async throws {
        let refused = ScriptedProvider.fail("a", .misconfigured(key: "channels.sms.providers[0].auth_token"), scope: .provider, code: "20003")
        func run(_ b: Result<DeliveryReceipt, SMSProviderFailure>) async throws -> Result<DeliveryReceipt, DeliveryError> {
            let sms = try channel([.init(ScriptedProvider("a", script: [refused])), .init(ScriptedProvider("b", script: [b]))])
            do { return .success(try await sms.deliver(SMSFixtures.request())) } catch { return .failure(error) }
        }
        // The next provider takes the message.
        let sent = try await run(.success(DeliveryReceipt(provider: "b", providerMessageID: "b-id", code: "201")))
        #expect((try? sent.get())?.provider == "b")
        // The next provider is down for now: retry (a provider may recover on its own).
        let down = try #require(await run(ScriptedProvider.fail("b", .retry(after: .seconds(5)), scope: .provider)).failure)
        #expect(down.disposition == .retry(after: .seconds(5)))
        // The next provider cannot route this number: the message waits for a's fix rather than failing.
        let route = try #require(await run(ScriptedProvider.fail("b", .permanent, scope: .route, code: "21612")).failure)
        #expect(route.disposition == .misconfigured(key: "channels.sms.providers[0].auth_token") && route.provider == "a" && route.code == "20003")
        // Both misconfigured: every key to fix, in provider order.
        let both = try #require(
            await run(ScriptedProvider.fail("b", .misconfigured(key: "channels.sms.providers[1].ca_file"), scope: .provider, code: "curl:60")).failure)
        #expect(both.disposition == .misconfigured(key: "channels.sms.providers[0].auth_token, channels.sms.providers[1].ca_file"))
        // A message problem still ends the attempt at once.
        let invalid = try #require(await run(ScriptedProvider.fail("b", .permanent, scope: .message, code: "21211")).failure)
        #expect(invalid.disposition == .permanent && invalid.code == "21211")
    }

    @Test func aPausedProviderIsSkippedUntilItsProbe() async throws {
        let clock = ManualClock()
        let refused = ScriptedProvider.fail("gateway", .misconfigured(key: "channels.sms.providers[0].password"), scope: .provider, code: "403")
        let gateway = ScriptedProvider("gateway", script: [refused, refused])
        let backup = ScriptedProvider("backup", then: ScriptedProvider.fail("backup", .retry(after: nil), scope: .provider))
        let sms = try channel([.init(gateway), .init(backup)], clock: clock, breaker: .init(failureThreshold: 100))
        // Backup down too: retry, not misconfigured (the backup may come back without anyone's help).
        for _ in 0..<3 { await #expect(throws: DeliveryError.self) { try await sms.deliver(SMSFixtures.request()) } }
        #expect(gateway.sent.count == 1 && backup.sent.count == 3)
        let paused = await #expect(throws: DeliveryError.self) { try await sms.deliver(SMSFixtures.request()) }
        #expect(paused?.disposition == .retry(after: nil))
        #expect(paused?.detail.contains("gateway: skipped (paused: fix channels.sms.providers[0].password until") == true)
        // The probe after 30 s is refused again; after 60 more the fixed gateway takes traffic back.
        clock.advance(30)
        await #expect(throws: DeliveryError.self) { try await sms.deliver(SMSFixtures.request()) }
        #expect(gateway.sent.count == 2)
        clock.advance(60)
        #expect(try await sms.deliver(SMSFixtures.request()).provider == "gateway")
        #expect(sms.pausedProviders.isEmpty)
    }

    @Test func circuitOpensFailsOverWhileOpenAndClosesAfterAGoodProbe() async throws {
        let clock = ManualClock()
        let down = ScriptedProvider("gateway", script: Array(repeating: ScriptedProvider.fail("gateway", .retry(after: nil), scope: .provider), count: 3))
        let backup = ScriptedProvider("backup")
        let sms = try channel([.init(down), .init(backup)], clock: clock)
        for _ in 0..<2 { #expect(try await sms.deliver(SMSFixtures.request()).provider == "backup") }
        #expect(sms.gate(named: "gateway")?.breakerState == .open(until: clock.now() + 30, openings: 1))
        // While open the gateway is not called at all.
        for _ in 0..<5 { #expect(try await sms.deliver(SMSFixtures.request()).provider == "backup") }
        #expect(down.sent.count == 2)
        // After the open period one probe goes; it fails, so the circuit reopens for longer.
        clock.advance(30)
        #expect(try await sms.deliver(SMSFixtures.request()).provider == "backup")
        #expect(down.sent.count == 3)
        #expect(sms.gate(named: "gateway")?.breakerState == .open(until: clock.now() + 60, openings: 2))
        // The next probe succeeds (script exhausted): closed, traffic returns to the gateway.
        clock.advance(60)
        #expect(try await sms.deliver(SMSFixtures.request()).provider == "gateway")
        #expect(sms.gate(named: "gateway")?.breakerState == .closed(failures: 0))
        #expect(try await sms.deliver(SMSFixtures.request()).provider == "gateway")
        #expect(backup.sent.count == 8)
    }

    @Test func everyCircuitOpenMeansRetryWhenTheFirstReopens() async throws {
        let clock = ManualClock()
        let only = ScriptedProvider("gateway", then: ScriptedProvider.fail("gateway", .retry(after: nil), scope: .provider))
        let sms = try channel([.init(only)], clock: clock, breaker: .init(failureThreshold: 1, openDuration: 30))
        await #expect(throws: DeliveryError.self) { try await sms.deliver(SMSFixtures.request()) }
        clock.advance(10)
        let open = await #expect(throws: DeliveryError.self) { try await sms.deliver(SMSFixtures.request()) }
        #expect(open?.disposition == .retry(after: .seconds(20)))
        #expect(open?.detail.contains("gateway: skipped (circuit open until") == true)
        #expect(only.sent.count == 1)
    }

    @Test func rateLimitPacesWithTheInjectedClockAndSpillsOver() async throws {
        let clock = ManualClock()
        let limited = ScriptedProvider("gateway")
        let backup = ScriptedProvider("backup")
        let sms = try channel([.init(limited, ratePerSecond: 2), .init(backup)], clock: clock)
        // Burst of 2, then each token 0.5 s away: waited for (≤ 1 s), not spilled.
        for _ in 0..<4 { #expect(try await sms.deliver(SMSFixtures.request()).provider == "gateway") }
        #expect(clock.sleeps == [.milliseconds(500), .milliseconds(500)])
        // A 429 with Retry-After 30 s pauses the gateway: the backup takes over meanwhile.
        let throttled = ScriptedProvider("gateway", script: [ScriptedProvider.fail("gateway", .rateLimited(after: .seconds(30)), scope: .provider, code: "20429")])
        let backup2 = ScriptedProvider("backup")
        let sms2 = try channel([.init(throttled, ratePerSecond: 100), .init(backup2)], clock: clock)
        #expect(try await sms2.deliver(SMSFixtures.request()).provider == "backup")
        #expect(try await sms2.deliver(SMSFixtures.request()).provider == "backup")
        #expect(throttled.sent.count == 1)
        clock.advance(31)
        #expect(try await sms2.deliver(SMSFixtures.request()).provider == "gateway")
    }
}

extension Result {
    /// The error, or nil when it succeeded: lets `#require` fail a test that expected a failure.
    fileprivate var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
