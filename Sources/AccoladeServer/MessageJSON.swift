import AccoladeCore
import Foundation

/// The JSON shapes of messages, deliveries, attempts and receipts in API responses (snake_case,
/// RFC 3339 times, absent values omitted). Secret template variables are masked by the caller.
enum MessageJSON {
    /// `{id, status, deliveries:[{id, channel, state}]}`: the answer to a send.
    static func accepted(_ message: Message, _ deliveries: [Delivery], status: String) -> JSONValue {
        .object([
            "id": .string(message.id),
            "status": .string(status),
            "deliveries": .array(
                deliveries.map { d in .object(["id": .string(d.id), "channel": .string(d.channel.rawValue), "state": .string(d.state.rawValue)]) }),
        ])
    }

    /// The whole message: recipient, data, route, deliveries and, when given, attempts and receipts.
    static func message(
        _ m: Message, data: JSONValue, deliveries: [Delivery], attempts: [Attempt]? = nil, receipts: [Receipt]? = nil
    ) -> JSONValue {
        var o: [String: JSONValue] = [
            "id": .string(m.id),
            "template": .string(m.template),
            "to": recipient(m.recipient),
            "data": data,
            "channels": .array(m.route.channels.map { .string($0.rawValue) }),
            "mode": .string(m.route.mode.rawValue),
            "category": .string(m.category),
            "created_at": time(m.createdAt),
            "status": .string(summary(deliveries)),
            "deliveries": .array(deliveries.map(delivery)),
        ]
        o["locale"] = m.locale.map(JSONValue.string)
        o["idempotency_key"] = m.idempotencyKey.map(JSONValue.string)
        if let (runID, step) = WorkflowRun.sender(ofIdempotencyKey: m.idempotencyKey) {
            o["run"] = .object(["id": .string(runID), "step": .int(Int64(step))])
        }
        o["send_at"] = m.sendAt.map(time)
        o["send_at_reason"] = m.sendAtReason.map(JSONValue.string)
        o["expires_at"] = m.expiresAt.map(time)
        if let attempts { o["attempts"] = .array(attempts.map(attempt)) }
        if let receipts { o["receipts"] = .array(receipts.map(receipt)) }
        return .object(o)
    }

    /// One word for the whole message: `queued` while anything can still be tried, else
    /// `delivered`, `sent`, `failed`, `partially_failed` or `cancelled`.
    static func summary(_ deliveries: [Delivery]) -> String {
        let states = deliveries.map(\.state)
        if states.contains(where: { !$0.isFinal }) { return "queued" }
        let succeeded = states.filter { [.sent, .delivered, .read].contains($0) }
        let failed = states.filter { $0 == .failed }
        if failed.isEmpty, !succeeded.isEmpty {
            return succeeded.allSatisfy { $0 == .delivered || $0 == .read } ? "delivered" : "sent"
        }
        if !failed.isEmpty { return succeeded.isEmpty ? "failed" : "partially_failed" }
        return states.allSatisfy { $0 == .cancelled } ? "cancelled" : "skipped"
    }

    static func recipient(_ r: Recipient) -> JSONValue {
        var o: [String: JSONValue] = [:]
        o["name"] = r.name.map(JSONValue.string)
        o["email"] = r.email.map(JSONValue.string)
        o["phone"] = r.phone.map(JSONValue.string)
        o["whatsapp"] = r.whatsapp.map(JSONValue.string)
        o["locale"] = r.locale.map(JSONValue.string)
        o["timezone"] = r.timezone.map(JSONValue.string)
        o["id"] = r.id.map(JSONValue.string)
        return .object(o)
    }

    static func delivery(_ d: Delivery) -> JSONValue {
        var o: [String: JSONValue] = [
            "id": .string(d.id), "channel": .string(d.channel.rawValue), "position": .int(Int64(d.position)),
            "state": .string(d.state.rawValue), "attempts": .int(Int64(d.attempts)), "updated_at": time(d.updatedAt),
        ]
        o["next_attempt_at"] = d.nextAttemptAt.map(time)
        o["provider"] = d.provider.map(JSONValue.string)
        o["provider_message_id"] = d.providerMessageID.map(JSONValue.string)
        o["last_error"] = d.lastError.map(JSONValue.string)
        o["cost"] = d.cost.map(money)
        return .object(o)
    }

    static func attempt(_ a: Attempt) -> JSONValue {
        var o: [String: JSONValue] = [
            "delivery_id": .string(a.deliveryID), "number": .int(Int64(a.number)), "started_at": time(a.startedAt),
            "finished_at": time(a.finishedAt), "provider": .string(a.provider), "outcome": .string(a.outcome.rawValue),
            "detail": .string(a.detail), "duration_ms": .int(Int64((a.duration * 1000).rounded())),
        ]
        o["code"] = a.code.map(JSONValue.string)
        o["cost"] = a.cost.map(money)
        return .object(o)
    }

    /// `{"currency": "USD", "amount": "0.0415"}`: a decimal string, never a binary float.
    static func money(_ m: MicroMoney) -> JSONValue {
        .object(["currency": .string(m.currency), "amount": .string(m.decimalString)])
    }

    static func receipt(_ r: Receipt) -> JSONValue {
        var o: [String: JSONValue] = [
            "delivery_id": .string(r.deliveryID), "status": .string(r.status), "received_at": time(r.receivedAt),
        ]
        o["provider"] = r.provider.map(JSONValue.string)
        o["provider_event_id"] = r.providerEventID.map(JSONValue.string)
        o["occurred_at"] = r.occurredAt.map(time)
        o["detail"] = r.detail.map(JSONValue.string)
        if let part = r.part {
            o["part"] = .int(Int64(part.index))
            o["parts"] = .int(Int64(part.count))
        }
        return .object(o)
    }

    static func time(_ date: Date) -> JSONValue { .string(ISOTime.format(date)) }
}
