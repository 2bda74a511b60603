import AccoladeCore
import Foundation

/// Builders for messages and their planned deliveries. All times are whole milliseconds so they
/// survive the stores' millisecond precision unchanged.
enum Fixtures {
    /// A fixed instant (2025-10-09T08:53:20.123Z) tests count from.
    static let t0 = at(0)

    /// `t0 + offset` milliseconds.
    static func at(_ offsetMillis: Int64) -> Date {
        Date(timeIntervalSince1970: Double(1_760_000_000_123 + offsetMillis) / 1000)
    }

    /// Data exercising every JSON kind, including an integer and a double of equal value.
    static let richData: JSONValue = .object([
        "name": .string("Ana Putri"),
        "reward": .object([
            "amount": .int(50_000), "amountDouble": .double(50_000.0), "rate": .double(0.1),
            "code": .string("RW-7Q2K"), "big": .int(Int64.max), "tiny": .double(1e-7),
        ]),
        "flags": .array([.bool(true), .bool(false), .null]),
        "text": .string("line\n\"quoted\" \\ tab\t ünïcødé 🎉 \u{01}"),
        "empty": .object([:]), "none": .array([]),
    ])

    /// A message with every field set; `key`/`fingerprint` control idempotency.
    static func message(
        id: String = Identifier.make(now: t0), key: String? = nil, fingerprint: String = "fp-1",
        channels: [ChannelKind] = [.email], mode: RouteMode = .all, createdAt: Date = t0, sendAt: Date? = nil,
        expiresAt: Date? = nil, data: JSONValue = richData
    ) -> Message {
        Message(
            id: id, template: "reward-earned", locale: "id-ID",
            recipient: Recipient(
                name: "Ana Putri", email: "ana@example.test", phone: "+6281234567890", whatsapp: "+6281234567890",
                locale: "id-ID", timezone: "Asia/Jakarta", id: "crm-42"),
            data: data, route: Route(channels: channels, mode: mode), idempotencyKey: key, fingerprint: fingerprint,
            createdAt: createdAt, sendAt: sendAt, expiresAt: expiresAt)
    }

    /// The request the dispatcher would enqueue for `message` at `now`.
    static func request(_ message: Message, now: Date = t0) -> EnqueueRequest {
        EnqueueRequest(
            message: message,
            deliveries: DeliveryStateMachine.plan(for: message, now: now) { Identifier.make(now: now) })
    }

    /// A request for a fresh message with the given route.
    static func request(
        key: String? = nil, fingerprint: String = "fp-1", channels: [ChannelKind] = [.email], mode: RouteMode = .all,
        sendAt: Date? = nil, now: Date = t0
    ) -> EnqueueRequest {
        request(message(key: key, fingerprint: fingerprint, channels: channels, mode: mode, sendAt: sendAt), now: now)
    }

    /// An update as the worker would write it for a claimed delivery.
    static func update(
        _ claimed: ClaimedDelivery, owner: String, state: DeliveryState, now: Date, nextAttemptAt: Date? = nil,
        outcome: AttemptOutcome? = nil, followUp: RouteFollowUp? = nil, providerMessageID: String? = nil
    ) -> DeliveryUpdate {
        let number = claimed.delivery.attempts + 1
        let attempt = Attempt(
            deliveryID: claimed.delivery.id, number: number, startedAt: now, finishedAt: now, provider: "smtp",
            outcome: outcome ?? (state == .sent ? .sent : state == .retryable ? .retry : .failed),
            code: state == .sent ? "250" : "550", detail: "\(state.rawValue) by \(owner)")
        return DeliveryUpdate(
            deliveryID: claimed.delivery.id, leaseOwner: owner, state: state, attempts: number,
            nextAttemptAt: nextAttemptAt, provider: "smtp", providerMessageID: providerMessageID,
            lastError: state == .sent ? nil : "smtp 550: no such user", attempt: attempt, followUp: followUp, now: now)
    }
}

extension EnqueueResult {
    var isCreated: Bool { if case .created = self { true } else { false } }
    var isReplayed: Bool { if case .replayed = self { true } else { false } }
}
