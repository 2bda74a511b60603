import AccoladeCore
import AccoladeWorkflows
import Foundation
import Logging
import Metrics

extension DeliveryWorker {
    /// Renders and delivers one claimed delivery, returning the outcome to write.
    func process(_ claimed: ClaimedDelivery) async -> Finished {
        let delivery = claimed.delivery
        let message = claimed.message
        let started = clock.now()
        let result: AttemptResult
        // Timing is checked here, at claim, not only when the message was accepted: whatever
        // made the delivery due (send_at, a retry, a fallback moving on, a backlog) it never
        // goes out inside quiet hours. Expiry is checked first and wins.
        let expired = message.expiresAt.map { $0 <= started } ?? false
        // Before timing: a channel the recipient turned off is not deferred to the morning first.
        let optOut = expired || requiredCategories.contains(message.category) ? nil : claimed.optOut
        let timed = expired || optOut != nil ? nil : timing?.decision(for: message, channel: delivery.channel, at: started)
        if expired {
            result = .expired
        } else if let optOut {
            result = .optedOut(optOut.skipReason)
        } else if case .deferred(let until, let reason)? = timed {
            result = .deferred(until: until, reason: reason)
        } else if case .skip(let reason)? = timed {
            result = .untimely(reason)
        } else if let channel = channels[delivery.channel] {
            result = await attempt(claimed, channel: channel, started: started)
        } else {
            // Claims are filtered by this worker's channels, so only a configuration change between
            // claim and delivery lands here.
            result = .failed(
                DeliveryError(disposition: .permanent, provider: "worker", detail: "channel \(delivery.channel) is not configured on this worker"),
                startedAt: started)
        }
        var rng = SystemRandomNumberGenerator()
        var update = DeliveryStateMachine.decide(
            claimed, result: result, owner: settings.owner, policy: settings.retry, now: clock.now(), using: &rng)
        // The price in force now is the one recorded: a later change of the rate card never
        // rewrites what was spent.
        if let costing, update.state == .sent, case .sent(let receipt, _) = result {
            update.attempt?.cost = costing.cost(of: claimed, receipt: receipt)
        }
        record(update, channel: delivery.channel, started: started)
        return Finished(update: update, channel: delivery.channel, kind: Self.kind(of: result))
    }

    /// How an attempt went, as far as pausing its channel is concerned.
    static func kind(of result: AttemptResult) -> Finished.Kind {
        switch result {
        case .sent: return .sent
        case .failed(let error, _):
            if case .misconfigured(let key) = error.disposition { return .misconfigured(error, key: key) }
            return error.provider == "worker" ? .notAttempted : .failed
        case .unrenderable, .expired, .deferred, .untimely, .optedOut: return .notAttempted
        }
    }

    private func attempt(_ claimed: ClaimedDelivery, channel: any Channel, started: Date) async -> AttemptResult {
        let message = claimed.message
        let content: RenderedContent
        do {
            content = try renderer.renderContent(
                template: message.template, channel: claimed.delivery.channel, locale: message.locale,
                data: message.data, recipient: message.recipient)
        } catch {
            return .unrenderable("\(error)", startedAt: started)
        }
        let request = DeliveryRequest(
            deliveryID: claimed.delivery.id, messageID: message.id, attempt: claimed.delivery.attempts + 1,
            recipient: message.recipient, content: content, createdAt: message.createdAt, suppression: claimed.suppression,
            lastInbound: claimed.lastInbound, category: message.category)
        do {
            return .sent(try await channel.deliver(request), startedAt: started)
        } catch {
            return .failed(error, startedAt: started)
        }
    }

    private func record(_ update: DeliveryUpdate, channel: ChannelKind, started: Date) {
        let outcome = update.state.rawValue
        Counter(label: "accolade_delivery_outcomes_total", dimensions: [("channel", channel.rawValue), ("outcome", outcome)]).increment()
        // Built only when the line is logged: at thousands of deliveries a second the metadata
        // strings cost more than the log call itself.
        func metadata(error: Bool) -> Logger.Metadata {
            var m: Logger.Metadata = [
                "delivery.id": "\(update.deliveryID)", "channel": "\(channel)", "outcome": "\(outcome)",
                "attempt": "\(update.attempts)", "duration_ms": "\(Int(update.now.timeIntervalSince(started) * 1000))",
            ]
            if error { m["error"] = "\(update.lastError ?? "")" }
            return m
        }
        switch update.state {
        case .sent: logger.debug("delivery sent", metadata: metadata(error: false))
        case .retryable: logger.notice("delivery will be retried", metadata: metadata(error: true))
        // Normal operation (a whole night's backlog defers once each): the reason is in `status`.
        case .scheduled: logger.debug("delivery deferred", metadata: metadata(error: true))
        default: logger.warning("delivery ended without sending", metadata: metadata(error: true))
        }
    }
}
