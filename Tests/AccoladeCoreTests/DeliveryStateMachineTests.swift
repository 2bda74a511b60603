import Foundation
import AccoladeTestSupport
import Testing

@testable import AccoladeCore


@Suite struct DeliveryStateMachineTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func message(mode: RouteMode, channels: [ChannelKind] = [.whatsapp, .sms, .email], sendAt: Date? = nil) -> Message {
        Message(
            id: "m1", template: "reward-earned", locale: "id", recipient: Recipient(email: "a@example.com"),
            data: .object([:]), route: Route(channels: channels, mode: mode), idempotencyKey: nil, fingerprint: "f",
            createdAt: now, sendAt: sendAt)
    }

    func claimed(_ m: Message, position: Int = 0, attempts: Int = 0) -> ClaimedDelivery {
        ClaimedDelivery(
            delivery: Delivery(
                id: "d\(position)", messageID: m.id, channel: m.route.channels[position], position: position, state: .running,
                attempts: attempts, nextAttemptAt: now, leaseOwner: "w", updatedAt: now),
            message: m)
    }

    func decide(_ c: ClaimedDelivery, _ result: AttemptResult, policy: RetryPolicy = RetryPolicy()) -> DeliveryUpdate {
        var rng = SeededRandom(state: 1)
        return DeliveryStateMachine.decide(c, result: result, owner: "w", policy: policy, now: now, using: &rng)
    }

    @Test func allModePlansEveryChannelDue() {
        var n = 0
        let plan = DeliveryStateMachine.plan(for: message(mode: .all), now: now) { n += 1; return "d\(n)" }
        #expect(plan.map(\.state) == [.available, .available, .available])
        #expect(plan.map(\.position) == [0, 1, 2])
        #expect(plan.allSatisfy { $0.nextAttemptAt == now && $0.attempts == 0 })
    }

    @Test func fallbackPlansOnlyTheFirstChannelDue() {
        let plan = DeliveryStateMachine.plan(for: message(mode: .fallback), now: now) { "x" }
        #expect(plan.map(\.state) == [.available, .pending, .pending])
        #expect(plan[1].nextAttemptAt == nil)
    }

    @Test func futureSendAtIsScheduled() {
        let later = now.addingTimeInterval(3600)
        let plan = DeliveryStateMachine.plan(for: message(mode: .all, sendAt: later), now: now) { "x" }
        #expect(plan.allSatisfy { $0.state == .scheduled && $0.nextAttemptAt == later })
    }

    @Test func sentSkipsPendingFallbacks() {
        let m = message(mode: .fallback)
        let u = decide(claimed(m), .sent(DeliveryReceipt(provider: "smtp", providerMessageID: "q1", code: "250", detail: "ok"), startedAt: now))
        #expect(u.state == .sent)
        #expect(u.attempts == 1)
        #expect(u.providerMessageID == "q1")
        #expect(u.attempt?.outcome == .sent)
        #expect(u.attempt?.code == "250")
        #expect(u.followUp == .skipPending(messageID: "m1", reason: "whatsapp was sent"))
    }

    @Test func sentInAllModeHasNoFollowUp() {
        let u = decide(claimed(message(mode: .all)), .sent(DeliveryReceipt(provider: "smtp"), startedAt: now))
        #expect(u.followUp == nil)
    }

    @Test func transientFailureRetriesWithBackoff() {
        let error = DeliveryError(disposition: .retry(after: nil), provider: "smtp", code: "451", detail: "try later")
        let u = decide(claimed(message(mode: .all), attempts: 2), .failed(error, startedAt: now), policy: RetryPolicy(maxAttempts: 8, baseDelay: 2, maxDelay: 3600))
        #expect(u.state == .retryable)
        #expect(u.attempts == 3)
        let wait = u.nextAttemptAt!.timeIntervalSince(now)
        #expect(wait >= 4 && wait <= 8)  // 2·2² = 8, equal jitter: [4, 8]
        #expect(u.attempt?.outcome == .retry)
        #expect(u.attempt?.code == "451")
        #expect(u.followUp == nil)
    }

    @Test func rateLimitHonoursProviderDelay() {
        let error = DeliveryError(disposition: .rateLimited(after: .seconds(120)), provider: "twilio", code: "20429", detail: "slow down")
        let u = decide(claimed(message(mode: .all)), .failed(error, startedAt: now))
        #expect(u.state == .retryable)
        #expect(u.nextAttemptAt == now.addingTimeInterval(120))
        #expect(u.attempt?.outcome == .rateLimited)
    }

    @Test func lastAttemptFailsAndFallsBack() {
        let error = DeliveryError(disposition: .retry(after: nil), provider: "smtp", code: "curl:7", detail: "refused")
        let u = decide(claimed(message(mode: .fallback), attempts: 7), .failed(error, startedAt: now), policy: RetryPolicy(maxAttempts: 8))
        #expect(u.state == .failed)
        #expect(u.attempts == 8)
        #expect(u.lastError?.contains("gave up after 8 attempts") == true)
        #expect(u.followUp == .activateNext(messageID: "m1", afterPosition: 0, at: now))
    }

    @Test func permanentFailureFailsAtOnceAndFallsBack() {
        let error = DeliveryError(disposition: .permanent, provider: "whatsapp", code: "131026", detail: "not on WhatsApp")
        let u = decide(claimed(message(mode: .fallback), position: 0), .failed(error, startedAt: now))
        #expect(u.state == .failed)
        #expect(u.attempt?.outcome == .failed)
        #expect(u.followUp == .activateNext(messageID: "m1", afterPosition: 0, at: now))
    }

    @Test func permanentFailureInAllModeDoesNotTouchSiblings() {
        let error = DeliveryError(disposition: .permanent, provider: "smtp", code: "550", detail: "no such user")
        #expect(decide(claimed(message(mode: .all)), .failed(error, startedAt: now)).followUp == nil)
    }

    @Test func suppressedIsSkippedAndFallsBack() {
        let error = DeliveryError(disposition: .suppressed, provider: "sms", detail: "opted out")
        let u = decide(claimed(message(mode: .fallback), position: 1), .failed(error, startedAt: now))
        #expect(u.state == .skipped)
        #expect(u.followUp == .activateNext(messageID: "m1", afterPosition: 1, at: now))
    }

    @Test func expiredIsSkippedWithoutCountingAnAttempt() {
        let u = decide(claimed(message(mode: .fallback), attempts: 1), .expired)
        #expect(u.state == .skipped)
        #expect(u.attempts == 1)
        #expect(u.followUp == .skipPending(messageID: "m1", reason: "message expired before delivery", cause: .expired))
    }

    @Test func unrenderableFails() {
        let u = decide(claimed(message(mode: .all)), .unrenderable("missing variable", startedAt: now))
        #expect(u.state == .failed)
        #expect(u.lastError == "cannot render: missing variable")
    }

    @Test func everyDecisionIsALegalTransition() {
        let results: [AttemptResult] = [
            .sent(DeliveryReceipt(provider: "p"), startedAt: now), .expired, .unrenderable("x", startedAt: now),
            .failed(DeliveryError(disposition: .permanent, provider: "p", detail: ""), startedAt: now),
            .failed(DeliveryError(disposition: .suppressed, provider: "p", detail: ""), startedAt: now),
            .failed(DeliveryError(disposition: .retry(after: nil), provider: "p", detail: ""), startedAt: now),
            .failed(DeliveryError(disposition: .rateLimited(after: nil), provider: "p", detail: ""), startedAt: now),
        ]
        for mode in RouteMode.allCases {
            for attempts in [0, 7] {
                for result in results {
                    let u = decide(claimed(message(mode: mode), attempts: attempts), result)
                    #expect(DeliveryStateMachine.canTransition(from: .running, to: u.state), "\(result) → \(u.state)")
                }
            }
        }
    }

    @Test func receiptsApplyMonotonically() {
        #expect(DeliveryStateMachine.applyReceipt(.delivered, to: .sent) == .delivered)
        #expect(DeliveryStateMachine.applyReceipt(.read, to: .sent) == .read)  // read without delivered
        #expect(DeliveryStateMachine.applyReceipt(.delivered, to: .read) == nil)  // out of order
        #expect(DeliveryStateMachine.applyReceipt(.delivered, to: .delivered) == nil)  // duplicate
        #expect(DeliveryStateMachine.applyReceipt(.failed, to: .sent) == .failed)
        #expect(DeliveryStateMachine.applyReceipt(.failed, to: .delivered) == nil)  // arrived: a replayed failure changes nothing
        #expect(DeliveryStateMachine.applyReceipt(.failed, to: .read) == nil)
        #expect(DeliveryStateMachine.applyReceipt(.delivered, to: .failed) == nil)  // failed is terminal
        #expect(DeliveryStateMachine.applyReceipt(.delivered, to: .running) == nil)  // held, not applied
    }

    /// Every receipt state against every delivery state: the whole table, written out.
    @Test func receiptDecisionTable() {
        let receipts: [DeliveryState] = [.sent, .delivered, .read, .failed]
        let expected: [DeliveryState: [ReceiptDecision]] = [
            // receipt:  sent,              delivered,              read,              failed
            .pending: [.hold, .hold, .hold, .hold],
            .scheduled: [.hold, .hold, .hold, .hold],
            .available: [.hold, .hold, .hold, .hold],
            .running: [.hold, .hold, .hold, .hold],
            .retryable: [.hold, .hold, .hold, .hold],
            .sent: [.history, .advance(.delivered), .advance(.read), .advance(.failed)],
            .delivered: [.history, .history, .advance(.read), .history],
            .read: [.history, .history, .history, .history],
            .failed: [.history, .history, .history, .history],
            .cancelled: [.history, .history, .history, .history],
            .skipped: [.history, .history, .history, .history],
        ]
        #expect(Set(expected.keys) == Set(DeliveryState.allCases))
        for (current, row) in expected {
            for (receipt, decision) in zip(receipts, row) {
                #expect(DeliveryStateMachine.receiptDecision(receipt, current: current) == decision, "\(receipt) on \(current)")
                // An advance is always a legal transition; the reverse never happens.
                if case .advance(let next) = decision {
                    #expect(DeliveryStateMachine.canTransition(from: current, to: next))
                }
            }
        }
    }

    /// Applying any sequence of receipts, in any order, never moves a delivery backwards: a
    /// later state is never followed by an earlier one, and `failed` never follows `delivered`/`read`.
    @Test func anyReceiptSequenceIsMonotonic() {
        let receipts: [DeliveryState] = [.sent, .delivered, .read, .failed]
        func rank(_ s: DeliveryState) -> Int { [.sent: 1, .delivered: 2, .read: 3][s] ?? 0 }
        var sequences: [[DeliveryState]] = [[]]
        for _ in 0..<4 { sequences = sequences.flatMap { seq in receipts.map { seq + [$0] } } }  // 256 sequences of 4
        for sequence in sequences {
            var state = DeliveryState.sent
            var history = [state]
            for receipt in sequence {
                if let next = DeliveryStateMachine.applyReceipt(receipt, to: state) { state = next }
                history.append(state)
            }
            for (a, b) in zip(history, history.dropFirst()) {
                if b == .failed { #expect(a == .sent || a == .failed, "\(sequence)") }
                if a == .failed { #expect(b == .failed, "\(sequence)") }
                if a != .failed && b != .failed { #expect(rank(b) >= rank(a), "\(sequence)") }
            }
            // The same sequence applied twice changes nothing the second time (duplicates are no-ops).
            let settled = state
            for receipt in sequence { if let next = DeliveryStateMachine.applyReceipt(receipt, to: state) { state = next } }
            #expect(state == settled, "\(sequence)")
        }
    }

    @Test func lateFailureMovesOnlyAFallbackRouteOn() {
        let now = Date(timeIntervalSince1970: 100)
        let revive = DeliveryStateMachine.followUp(
            afterReceipt: .failed, messageID: "m1", position: 0, mode: .fallback, now: now)
        #expect(revive == .reviveSkipped(messageID: "m1", afterPosition: 0, at: now))
        #expect(DeliveryStateMachine.followUp(afterReceipt: .failed, messageID: "m1", position: 0, mode: .all, now: now) == nil)
        #expect(DeliveryStateMachine.followUp(afterReceipt: .delivered, messageID: "m1", position: 0, mode: .fallback, now: now) == nil)
    }
}
