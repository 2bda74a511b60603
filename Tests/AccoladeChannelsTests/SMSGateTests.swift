import AccoladeChannels
import Foundation
import Testing

/// The circuit breaker and token bucket as pure state machines: time passed in, no sleeps.
struct SMSGateTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func breakerOpensAfterThresholdAndProbesAfterWait() {
        var breaker = CircuitBreaker(settings: .init(failureThreshold: 3, openDuration: 30, maxOpenDuration: 100))
        let r1 = breaker.decide(now: t0); #expect(r1 == .allow)
        let r2 = breaker.recordFailure(now: t0); #expect(!r2)
        let r3 = breaker.recordFailure(now: t0); #expect(!r3)
        #expect(breaker.state == .closed(failures: 2))
        let r4 = breaker.recordFailure(now: t0); #expect(r4)
        #expect(breaker.state == .open(until: t0 + 30, openings: 1))
        let r5 = breaker.decide(now: t0 + 29); #expect(r5 == .reject(retryAt: t0 + 30))
        // Wait over: exactly one probe, others are refused while it is out.
        let r6 = breaker.decide(now: t0 + 30); #expect(r6 == .probe)
        let r7 = breaker.decide(now: t0 + 31); #expect(r7 == .reject(retryAt: t0 + 60))
        breaker.recordSuccess()
        #expect(breaker.state == .closed(failures: 0))
        let r8 = breaker.decide(now: t0 + 32); #expect(r8 == .allow)
    }

    @Test func failedProbeReopensForLongerCappedAtMaximum() {
        var breaker = CircuitBreaker(settings: .init(failureThreshold: 1, openDuration: 30, maxOpenDuration: 100))
        breaker.recordFailure(now: t0)
        let r9 = breaker.decide(now: t0 + 30); #expect(r9 == .probe)
        let r10 = breaker.recordFailure(now: t0 + 30); #expect(r10)
        #expect(breaker.state == .open(until: t0 + 90, openings: 2))
        let r11 = breaker.decide(now: t0 + 90); #expect(r11 == .probe)
        breaker.recordFailure(now: t0 + 90)
        #expect(breaker.state == .open(until: t0 + 190, openings: 3))  // 120 capped at 100
    }

    @Test func successResetsTheFailureCountAndStaleProbeIsReplaced() {
        var breaker = CircuitBreaker(settings: .init(failureThreshold: 2, openDuration: 10))
        breaker.recordFailure(now: t0)
        breaker.recordSuccess()
        breaker.recordFailure(now: t0)
        #expect(breaker.state == .closed(failures: 1))
        breaker.recordFailure(now: t0)
        let r12 = breaker.decide(now: t0 + 10); #expect(r12 == .probe)
        // The probe never reported (cancelled task): after another open period a new probe goes.
        let r13 = breaker.decide(now: t0 + 15); #expect(r13 == .reject(retryAt: t0 + 20))
        let r14 = breaker.decide(now: t0 + 20); #expect(r14 == .probe)
        // A failure reported while already open changes nothing.
        var open = CircuitBreaker(settings: .init(failureThreshold: 1, openDuration: 10))
        open.recordFailure(now: t0)
        let r15 = open.recordFailure(now: t0 + 1); #expect(!r15)
        #expect(open.state == .open(until: t0 + 10, openings: 1))
    }

    @Test func bucketAllowsBurstThenPacesAtTheRate() {
        var bucket = TokenBucket(settings: .init(ratePerSecond: 10), now: t0)
        for _ in 0..<10 { let r16 = bucket.reserve(now: t0, maxWait: 0); #expect(r16 == 0) }
        let r17 = bucket.reserve(now: t0, maxWait: 0); #expect(r17 == nil)
        let wait = bucket.reserve(now: t0, maxWait: 1)
        #expect(abs((wait ?? -1) - 0.1) < 1e-9)
        #expect(abs(bucket.timeUntilAvailable(now: t0) - 0.2) < 1e-9)
        // A second later the debt is paid and nine tokens are back.
        for _ in 0..<9 { let r18 = bucket.reserve(now: t0 + 1, maxWait: 0); #expect(r18 == 0) }
        let r19 = bucket.reserve(now: t0 + 1, maxWait: 0); #expect(r19 == nil)
    }

    @Test func bucketBacksOffOnThrottlingHonoursRetryAfterAndRecoversSlowly() {
        let settings = TokenBucket.Settings(ratePerSecond: 100, floorFraction: 0.05, recoveryTime: 60)
        var bucket = TokenBucket(settings: settings, now: t0)
        bucket.backOff(now: t0, retryAfter: 5)
        #expect(bucket.currentRate(now: t0) == 50)
        let paused = bucket.reserve(now: t0, maxWait: 1)  // paused for Retry-After
        #expect(paused == nil)
        let wait = bucket.reserve(now: t0, maxWait: 10) ?? -1
        #expect(wait >= 5 && wait < 5.1)
        // Repeated throttling halves again, never below the floor.
        for _ in 0..<10 { bucket.backOff(now: t0, retryAfter: nil) }
        #expect(bucket.currentRate(now: t0) == 5)
        // Linear recovery: floor → full over 60 s.
        #expect(abs(bucket.currentRate(now: t0 + 30) - 52.5) < 1e-9)
        #expect(bucket.currentRate(now: t0 + 60) == 100)
        #expect(bucket.currentRate(now: t0 + 600) == 100)
    }

    @Test func gateCommitsNothingWhenTheBucketRefusesAProbe() {
        let gate = SMSProviderGate(breaker: .init(failureThreshold: 1, openDuration: 10), ratePerSecond: 1, now: t0)
        #expect(gate.admit(now: t0, maxWait: 0) == .go(wait: 0, probe: false))
        let failure = SMSProviderFailure(.init(disposition: .retry(after: nil), provider: "p", detail: "x"), scope: .provider)
        #expect(gate.record(.failure(failure), now: t0) == .circuitOpened)
        // Breaker due a probe at t0+10, but no token before t0+11 with maxWait 0: skip, probe slot kept.
        gate.record(.failure(SMSProviderFailure(.init(disposition: .rateLimited(after: .seconds(20)), provider: "p", detail: "429"), scope: .provider)), now: t0)
        guard case .skip = gate.admit(now: t0 + 10, maxWait: 0) else {
            Issue.record("expected a skip while rate limited")
            return
        }
        #expect(gate.breakerState == .open(until: t0 + 10, openings: 1))
        #expect(gate.admit(now: t0 + 21, maxWait: 0) == .go(wait: 0, probe: true))
        gate.record(.success(()), now: t0 + 21)
        #expect(gate.breakerState == .closed(failures: 0))
    }

    @Test func pauseWaitsProbesOnceAndDoublesUpToTheCap() {
        var pause = SMSProviderPause(settings: .init(initialDuration: 30, maxDuration: 100))
        let p1 = pause.decide(now: t0); #expect(p1 == .allow)
        let p2 = pause.recordMisconfigured(key: "k", now: t0); #expect(p2)
        #expect(pause.state == .paused(until: t0 + 30, pauses: 1, key: "k"))
        // Deliveries in flight when it paused report too: nothing changes.
        let p3 = pause.recordMisconfigured(key: "k", now: t0 + 1); #expect(!p3)
        let p4 = pause.decide(now: t0 + 29); #expect(p4 == .reject(retryAt: t0 + 30, key: "k"))
        let p5 = pause.decide(now: t0 + 30); #expect(p5 == .probe)
        let p6 = pause.decide(now: t0 + 31); #expect(p6 == .reject(retryAt: t0 + 60, key: "k"))
        let p7 = pause.recordMisconfigured(key: "k", now: t0 + 31); #expect(!p7)
        #expect(pause.state == .paused(until: t0 + 91, pauses: 2, key: "k"))
        let p8 = pause.decide(now: t0 + 91); #expect(p8 == .probe)
        pause.recordMisconfigured(key: "k", now: t0 + 91)
        #expect(pause.state == .paused(until: t0 + 191, pauses: 3, key: "k"))  // 120 capped at 100
        // A probe that meets an outage proves nothing: same wait again, not longer.
        let p9 = pause.decide(now: t0 + 191); #expect(p9 == .probe)
        pause.recordInconclusive(now: t0 + 191)
        #expect(pause.state == .paused(until: t0 + 291, pauses: 3, key: "k"))
        // A probe that never reports is replaced after one pause length.
        let p10 = pause.decide(now: t0 + 291); #expect(p10 == .probe)
        let p11 = pause.decide(now: t0 + 391); #expect(p11 == .probe)
        let p12 = pause.recordWorking(); #expect(p12)
        #expect(pause.state == .active && pause.pausedKey == nil)
        let p13 = pause.recordWorking(); #expect(!p13)
    }

    @Test func gatePausesOnMisconfigurationWithoutChargingTheBreaker() {
        let gate = SMSProviderGate(breaker: .init(failureThreshold: 1, openDuration: 10), ratePerSecond: nil, now: t0, pause: .init(initialDuration: 30))
        let refused = SMSProviderFailure(.init(disposition: .misconfigured(key: "channels.sms.providers[0].auth_token"), provider: "p", code: "20003", detail: "x"), scope: .provider)
        #expect(gate.record(.failure(refused), now: t0) == .paused(key: "channels.sms.providers[0].auth_token"))
        #expect(gate.breakerState == .closed(failures: 0))
        #expect(gate.admit(now: t0 + 5, maxWait: 0) == .paused(retryAt: t0 + 30, key: "channels.sms.providers[0].auth_token"))
        #expect(gate.pausedKey == "channels.sms.providers[0].auth_token")
        // The probe meets a 500: inconclusive for the pause, a failure for the breaker.
        #expect(gate.admit(now: t0 + 30, maxWait: 0) == .go(wait: 0, probe: true))
        let down = SMSProviderFailure(.init(disposition: .retry(after: nil), provider: "p", detail: "500"), scope: .provider)
        #expect(gate.record(.failure(down), now: t0 + 30) == .circuitOpened)
        #expect(gate.pauseState == .paused(until: t0 + 60, pauses: 1, key: "channels.sms.providers[0].auth_token"))
        // A refusal about the message itself proves the credentials work: the pause ends.
        #expect(gate.admit(now: t0 + 60, maxWait: 0) == .go(wait: 0, probe: true))
        let badNumber = SMSProviderFailure(.init(disposition: .permanent, provider: "p", code: "21211", detail: "x"), scope: .message)
        #expect(gate.record(.failure(badNumber), now: t0 + 60) == .resumed)
        #expect(gate.pauseState == .active && gate.breakerState == .closed(failures: 0))
    }
}
