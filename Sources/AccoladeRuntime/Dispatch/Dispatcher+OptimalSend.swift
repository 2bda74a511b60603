import AccoladeCore
import AccoladeWorkflows
import Foundation
import Metrics

extension Dispatcher {
    /// Sets `send_at` of a prepared `send_at: optimal` message to the picker's choice, with its
    /// explanation (``Message/sendAtReason``), and plans its deliveries for then.
    ///
    /// One pick costs two indexed reads of the store's engagement log (the recipient's newest
    /// 200 events, the cohort's newest 2,000, both within 90 days) and the arithmetic on at most
    /// a week of wall hours. The rules are those of the route's first channel (the one a
    /// `fallback` route tries first); quiet hours are checked again for every channel when a
    /// delivery is claimed. A recipient without a key (no id or address) has no history: the
    /// default hour applies.
    public func pickSendTime(_ prepared: EnqueueRequest) async throws -> EnqueueRequest {
        var message = prepared.message
        let now = message.createdAt
        let clock = RunClock(recipient: message.recipient, defaultTimeZone: timing.defaultTimeZone)
        let rules = timing.rules(category: message.category, channel: message.route.channels.first ?? .email)
        let cohort = message.recipient.engagementCohort
        var history = EngagementHistory(cohortName: cohort)
        if let key = message.recipient.key {
            history = try await store.engagementHistory(recipientKey: key, cohort: cohort, now: now)
        }
        let choice = optimalPicker.pick(history: history, clock: clock, rules: rules, now: now, expiresAt: message.expiresAt)
        message.sendAt = choice.at
        message.sendAtReason = "optimal send time: \(choice.explanation)"
        Counter(label: "accolade_optimal_send_picks_total", dimensions: [("basis", choice.basis.rawValue)]).increment()
        logger.debug(
            "optimal send time picked",
            metadata: ["message.id": "\(message.id)", "send_at": "\(ISOTime.format(choice.at))", "basis": "\(choice.basis.rawValue)"])
        let deliveries = DeliveryStateMachine.plan(for: message, now: now) { Identifier.make(now: now) }
        return EnqueueRequest(message: message, deliveries: deliveries)
    }
}
