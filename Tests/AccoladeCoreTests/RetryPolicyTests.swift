import Foundation
import AccoladeTestSupport
import Testing

@testable import AccoladeCore

@Suite struct RetryPolicyTests {
    @Test func delaysDoubleWithinJitterBoundsAndCap() {
        let policy = RetryPolicy(maxAttempts: 8, baseDelay: 2, maxDelay: 60)
        var rng = SeededRandom(state: 42)
        for attempt in 1...10 {
            let full = min(60, 2 * pow(2, Double(attempt - 1)))
            for _ in 0..<50 {
                let d = policy.delay(afterAttempts: attempt, using: &rng)
                #expect(d >= full / 2 && d <= full, "attempt \(attempt): \(d)")
            }
        }
    }

    @Test func jitterSpreadsRetries() {
        let policy = RetryPolicy(maxAttempts: 8, baseDelay: 2, maxDelay: 3600)
        var rng = SeededRandom(state: 7)
        let delays = Set((0..<20).map { _ in policy.delay(afterAttempts: 4, using: &rng) })
        #expect(delays.count > 15)
    }

    @Test func providerDelayWinsWhenLonger() {
        let policy = RetryPolicy(maxAttempts: 8, baseDelay: 1, maxDelay: 10)
        var rng = SeededRandom(state: 1)
        #expect(policy.delay(afterAttempts: 1, providerDelay: 300, using: &rng) == 300)
        #expect(policy.delay(afterAttempts: 1, providerDelay: 0.1, using: &rng) >= 0.5)
    }

    @Test func attemptsAreBounded() {
        let policy = RetryPolicy(maxAttempts: 3)
        #expect(policy.allowsRetry(afterAttempts: 1))
        #expect(policy.allowsRetry(afterAttempts: 2))
        #expect(!policy.allowsRetry(afterAttempts: 3))
    }

    @Test func hugeAttemptCountsDoNotOverflow() {
        var rng = SeededRandom(state: 3)
        let d = RetryPolicy(maxAttempts: 100, baseDelay: 2, maxDelay: 3600).delay(afterAttempts: 10_000, using: &rng)
        #expect(d <= 3600 && d >= 1800)
    }
}

@Suite struct IdentityTests {
    @Test func identifiersAreUUIDv7AndSortByTime() {
        var rng = SeededRandom(state: 9)
        let early = Identifier.make(now: Date(timeIntervalSince1970: 1_800_000_000), using: &rng)
        let late = Identifier.make(now: Date(timeIntervalSince1970: 1_800_000_001), using: &rng)
        #expect(early.count == 36)
        #expect(early < late)
        let parts = early.split(separator: "-")
        #expect(parts.map(\.count) == [8, 4, 4, 4, 12])
        #expect(parts[2].first == "7")  // version 7
        #expect("89ab".contains(parts[3].first!))  // RFC 9562 variant
        #expect(UUID(uuidString: early) != nil)
    }

    @Test func fingerprintTellsRequestsApart() {
        let r = Recipient(name: "Ana", email: "a@b.co")
        let route = Route(channels: [.email], mode: .all)
        let a = Fingerprint.of(template: "t", locale: "id", recipient: r, data: .object(["n": .int(1)]), route: route, sendAt: nil, expiresAt: nil)
        let same = Fingerprint.of(template: "t", locale: "id", recipient: r, data: .object(["n": .int(1)]), route: route, sendAt: nil, expiresAt: nil)
        let otherData = Fingerprint.of(template: "t", locale: "id", recipient: r, data: .object(["n": .int(2)]), route: route, sendAt: nil, expiresAt: nil)
        let intVsDouble = Fingerprint.of(template: "t", locale: "id", recipient: r, data: .object(["n": .double(1)]), route: route, sendAt: nil, expiresAt: nil)
        let otherRoute = Fingerprint.of(template: "t", locale: "id", recipient: r, data: .object(["n": .int(1)]), route: Route(channels: [.email], mode: .fallback), sendAt: nil, expiresAt: nil)
        #expect(a == same)
        #expect(a.count == 64)
        #expect(Set([a, otherData, intVsDouble, otherRoute]).count == 4)
    }
}
