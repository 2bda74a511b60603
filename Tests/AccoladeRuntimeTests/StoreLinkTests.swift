import Foundation
import AccoladeTestSupport
import Testing

@testable import AccoladeRuntime

@Suite struct StoreLinkTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    func at(_ seconds: TimeInterval) -> Date { t0.addingTimeInterval(seconds) }

    @Test func backoffDoublesFromFiftyMillisecondsToItsCapWithJitter() {
        let settings = StoreLink.Settings(lease: 30)
        #expect(settings.maxDelay == 5 && settings.baseDelay == 0.05 && settings.gapLimit == 15)
        var rng = SeededRandom(state: 7)
        for n in 1...12 {
            let full = min(5, 0.05 * pow(2, Double(n - 1)))
            for _ in 0..<50 {
                let d = StoreLink.delay(afterFailures: n, settings: settings, using: &rng)
                #expect(d >= full / 2 && d <= full)
            }
        }
        // A short lease caps the backoff at a quarter of it, so a reconnecting worker heartbeats in time.
        #expect(StoreLink.Settings(lease: 4).maxDelay == 1)
    }

    @Test func aFailureWaitsForItsBackoffAndSuccessClearsIt() {
        var link = StoreLink(settings: .init(lease: 30))
        var rng = SeededRandom(state: 1)
        #expect(link.mayCall(now: t0) && !link.isAway)
        let wait = link.failed(now: t0, using: &rng)
        #expect(link.isAway && !link.mayCall(now: t0) && link.mayCall(now: t0.addingTimeInterval(wait)))
        link.failed(now: at(1), using: &rng)
        #expect(link.failures == 2)
        let outage = link.succeeded(started: at(2), now: at(2.1))
        #expect(abs((outage ?? 0) - 2.1) < 0.001)
        #expect(!link.isAway && link.mayCall(now: at(2.1)) && link.failures == 0)
    }

    @Test func permanentFaultsWaitTheLongestDelayAtOnce() {
        var link = StoreLink(settings: .init(lease: 30))
        var rng = SeededRandom(state: 3)
        let wait = link.failed(now: t0, permanent: true, using: &rng)
        #expect(wait >= 2.5 && wait <= 5)
    }

    @Test func rescueNeedsAWholeLeaseOfUnbrokenContact() {
        var link = StoreLink(settings: .init(lease: 30))
        var rng = SeededRandom(state: 1)
        #expect(!link.mayRescue(now: t0))  // never in contact yet
        // Calls every 10 s (within the 15 s gap limit) for 30 s: contact since the first.
        for s in stride(from: 0.0, through: 30, by: 10) { link.succeeded(started: at(s), now: at(s)) }
        #expect(link.mayRescue(now: at(30)))
        // A failure breaks contact: a whole lease again from the next success.
        link.failed(now: at(31), using: &rng)
        #expect(!link.mayRescue(now: at(31)))
        link.succeeded(started: at(40), now: at(40))
        #expect(!link.mayRescue(now: at(69)))
        for s in stride(from: 50.0, through: 70, by: 10) { link.succeeded(started: at(s), now: at(s)) }
        #expect(link.mayRescue(now: at(70)))
    }

    @Test func aSilentGapOrAStalledCallBreaksContact() {
        var link = StoreLink(settings: .init(lease: 30))
        link.succeeded(started: t0, now: t0)
        link.succeeded(started: at(20), now: at(20))  // 20 s of silence > 15 s gap limit
        #expect(link.contactSince == at(20))
        link.succeeded(started: at(25), now: at(45))  // a call blocked for 20 s (a held write lock)
        #expect(link.contactSince == at(45))
        #expect(!link.mayRescue(now: at(74)) && !link.isAway)
    }
}
