import Foundation

extension Store {
    /// Enqueues every run's messages in one call, then writes the advances with the ids the
    /// enqueue resolved (two transactions; see ``Store/advanceRuns(_:enqueuing:)``).
    public func advanceRuns(_ advances: [RunAdvance], enqueuing messages: [[EnqueueRequest]]) async throws -> [Bool] {
        precondition(messages.count == advances.count, "one list of messages (maybe empty) per advance")
        let requests = messages.flatMap { $0 }
        var resolved: [String: String] = [:]
        if !requests.isEmpty {
            for (request, result) in zip(requests, try await enqueue(requests)) where result.messageID != request.message.id {
                resolved[request.message.id] = result.messageID
            }
        }
        return try await advanceRuns(resolved.isEmpty ? advances : advances.map { $0.resolvingMessageIDs(resolved) })
    }
}

extension EnqueueResult {
    /// The id of the message that stands for the request: the one stored now, or the one its
    /// idempotency key already named (replay or conflict).
    public var messageID: String {
        switch self {
        case .created(let message, _), .replayed(let message, _): message.id
        case .conflict(let existing): existing
        }
    }
}

extension RunAdvance {
    /// The advance with every message id in `resolved` (planned id → stored id) replaced, in its
    /// records and its ``lastMessageID``.
    public func resolvingMessageIDs(_ resolved: [String: String]) -> RunAdvance {
        guard !resolved.isEmpty else { return self }
        var copy = self
        for index in copy.records.indices {
            if let id = copy.records[index].messageID, let stored = resolved[id] { copy.records[index].messageID = stored }
        }
        if let id = copy.lastMessageID, let stored = resolved[id] { copy.lastMessageID = stored }
        return copy
    }
}
