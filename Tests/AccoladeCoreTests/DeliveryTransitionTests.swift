import Foundation
import Testing

@testable import AccoladeCore

/// The transition table, checked pair by pair: the stores build their SQL guards from
/// ``DeliveryTransition``, so this is the table production code runs.
@Suite struct DeliveryTransitionTests {
    /// Every legal move, written out by hand.
    static let expected: Set<[DeliveryState]> = [
        [.pending, .available], [.pending, .skipped],
        [.scheduled, .running], [.available, .running], [.retryable, .running],
        [.running, .sent], [.running, .retryable], [.running, .failed], [.running, .skipped], [.running, .available],
        [.running, .scheduled],
        [.failed, .available],
        [.skipped, .pending],
        [.sent, .delivered], [.sent, .read], [.sent, .failed], [.delivered, .read],
        [.pending, .cancelled], [.scheduled, .cancelled], [.available, .cancelled], [.retryable, .cancelled],
    ]

    @Test func everyPairIsAllowedExactlyWhenTheTableSaysSo() {
        for from in DeliveryState.allCases {
            for to in DeliveryState.allCases {
                #expect(
                    DeliveryStateMachine.canTransition(from: from, to: to) == Self.expected.contains([from, to]),
                    "\(from) → \(to)")
            }
        }
    }

    @Test func everyOperationMovesOnlyAlongTheTable() {
        for transition in DeliveryTransition.allCases {
            #expect(!transition.sources.isEmpty && !transition.targets.isEmpty, "\(transition)")
            // A receipt for a `read` delivery is history only: nothing ranks above read.
            for from in transition.sources where !(transition == .receipt && from == .read) {
                #expect(transition.targets.contains { DeliveryStateMachine.canTransition(from: from, to: $0) }, "\(transition) from \(from)")
            }
        }
    }

    @Test func finalStatesAreNeverClaimedAndOnlyReceiptsRequeueAndRevivalLeaveThem() {
        for state in DeliveryState.allCases where state.isFinal {
            #expect(!DeliveryTransition.claim.sources.contains(state))
            let leaving = DeliveryTransition.allCases.filter { $0.sources.contains(state) }
            #expect(Set(leaving).isSubset(of: [.receipt, .requeue, .revive]), "\(state): \(leaving)")
        }
        #expect(DeliveryTransition.claim.sources.allSatisfy { $0.isClaimable })
        #expect(DeliveryTransition.sqlList(DeliveryTransition.claim.sources) == "'available', 'scheduled', 'retryable'")
    }

    @Test func aRescueCountsTheLostAttemptAndFailsOnlyWhenNoneAreLeft() {
        let now = Date(timeIntervalSince1970: 1_800_000_100)
        let lease = DeliveryStateMachine.ExpiredLease(
            deliveryID: "d1", messageID: "m1", position: 0, attempts: 1, owner: "w1",
            leaseExpiresAt: Date(timeIntervalSince1970: 1_800_000_090), claimedAt: Date(timeIntervalSince1970: 1_800_000_000),
            mode: .fallback)
        let retry = DeliveryStateMachine.rescue(lease, maxAttempts: 3, now: now)
        #expect(retry.state == .available && retry.attempts == 2 && retry.nextAttemptAt == now && retry.leaseOwner == "w1")
        #expect(retry.attempt?.outcome == .leaseExpired && retry.attempt?.number == 2 && retry.attempt?.provider == "rescuer")
        #expect(retry.followUp == nil)
        let last = DeliveryStateMachine.rescue(lease, maxAttempts: 2, now: now)
        #expect(last.state == .failed && last.nextAttemptAt == nil && last.lastError?.contains("no attempts left (max 2)") == true)
        #expect(last.followUp == .activateNext(messageID: "m1", afterPosition: 0, at: now))
        var all = lease
        all.mode = .all
        #expect(DeliveryStateMachine.rescue(all, maxAttempts: 2, now: now).followUp == nil)
    }

    @Test func aMisconfiguredProviderKeepsTheDeliveryQueuedWithoutCountingAnAttempt() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let message = Message(
            id: "m1", template: "t", locale: nil, recipient: Recipient(email: "a@example.com"), data: .object([:]),
            route: Route(channels: [.email, .sms], mode: .fallback), idempotencyKey: nil, fingerprint: "f", createdAt: now)
        let claimed = ClaimedDelivery(
            delivery: Delivery(
                id: "d0", messageID: "m1", channel: .email, position: 0, state: .running, attempts: 7, nextAttemptAt: now,
                leaseOwner: "w", updatedAt: now),
            message: message)
        let error = DeliveryError(
            disposition: .misconfigured(key: "channels.email.smtp.ca_file"), provider: "smtp", code: "curl:60",
            detail: "SSL certificate problem")
        var rng = SystemRandomNumberGenerator()
        let u = DeliveryStateMachine.decide(
            claimed, result: .failed(error, startedAt: now), owner: "w", policy: RetryPolicy(maxAttempts: 8), now: now, using: &rng)
        #expect(u.state == .retryable && u.attempts == 7 && u.followUp == nil)
        #expect(u.attempt?.outcome == .paused && u.lastError?.contains("channels.email.smtp.ca_file") == true)
    }
}
