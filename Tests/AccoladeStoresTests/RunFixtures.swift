import AccoladeCore
import Foundation

/// Builders for workflow runs and the steps a worker would take with them.
enum RunFixtures {
    static let recipient = Recipient(
        name: "Ana Putri", email: "Ana@Example.test", phone: "+6281234567890", locale: "id-ID", timezone: "Asia/Jakarta",
        id: "crm-42")

    /// A scheduled run at step 0, due at `dueAt`; ids made at `createdAt` sort by it.
    static func run(
        createdAt: Date = Fixtures.t0, workflow: String = "deal-closed-reward", recipient: Recipient = recipient,
        key: String? = nil, fingerprint: String = "fp-1", cancellationKey: String? = nil, rewardCode: String? = nil,
        dueAt: Date = Fixtures.t0, data: JSONValue = Fixtures.richData
    ) -> WorkflowRun {
        WorkflowRun(
            id: "run_" + Identifier.make(now: createdAt), workflow: workflow, event: "deal.closed", recipient: recipient,
            recipientKey: recipient.key ?? "?", data: data, idempotencyKey: key, fingerprint: fingerprint,
            cancellationKey: cancellationKey, rewardCode: rewardCode, state: .scheduled, cursor: 0, dueAt: dueAt,
            createdAt: createdAt, updatedAt: createdAt)
    }

    /// A `send` record naming `messageID`.
    static func sent(step: Int = 0, messageID: String, at: Date) -> RunStepRecord {
        RunStepRecord(step: step, kind: "send", outcome: .sent, messageID: messageID, at: at)
    }

    /// Enqueues one message (email, or the given route) and returns its id.
    static func message(_ store: any Store, channels: [ChannelKind] = [.email], mode: RouteMode = .all) async throws -> String {
        let request = Fixtures.request(channels: channels, mode: mode)
        _ = try await store.enqueue([request])
        return request.message.id
    }
}

extension RunStartResult {
    var created: WorkflowRun? { if case .created(let r) = self { r } else { nil } }
    var replayed: WorkflowRun? { if case .replayed(let r) = self { r } else { nil } }
    var conflictID: String? { if case .conflict(let id) = self { id } else { nil } }
}
