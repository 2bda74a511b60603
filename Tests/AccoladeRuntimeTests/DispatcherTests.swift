import AccoladeCore
import Foundation
import Testing

@testable import AccoladeRuntime

@Suite struct DispatcherTests {
    func dispatcher(_ store: any Store, channels: [any Channel]? = nil) -> Dispatcher {
        let fallback: [any Channel] = [ScriptedChannel(kind: .email) { _ in DeliveryReceipt(provider: "fake") }, ScriptedChannel(kind: .sms) { _ in DeliveryReceipt(provider: "fake") }]
        return Dispatcher(store: store, renderer: StubRenderer(), channels: ChannelRegistry(channels ?? fallback), clock: SystemWallClock(), logger: quietLogger)
    }

    @Test func acceptsAndPlansDeliveriesForReachableChannels() async throws {
        let store = try await makeStore()
        let outcome = try await dispatcher(store).send([SendRequest(template: "t", recipient: Recipient(name: "Ana", email: "ana@example.com"))])[0]
        guard case .accepted(let message, let deliveries) = outcome else { Issue.record("\(outcome)"); return }
        #expect(message.route == Route(channels: [.email], mode: .all))  // no phone: SMS is not routed
        #expect(deliveries.map(\.state) == [.available])
        #expect(try await store.message(id: message.id) == message)
    }

    @Test(arguments: [
        (SendRequest(template: "missing", recipient: Recipient(email: "a@b.co")), "template"),
        (SendRequest(template: "t", recipient: Recipient(email: "nope")), "to.email"),
        (SendRequest(template: "t", recipient: Recipient(email: "a@b.co"), data: .object(["fail": .bool(true)])), "data"),
        (SendRequest(template: "t", recipient: Recipient(email: "a@b.co"), data: .array([])), "data"),
        (SendRequest(template: "t", recipient: Recipient()), "to"),
        (SendRequest(template: "t", recipient: Recipient(email: "a@b.co"), channels: [.whatsapp]), "channels"),
        (SendRequest(template: "t", recipient: Recipient(name: "Ana\r\nBcc: x@y.z", email: "a@b.co")), "to.name"),
        (SendRequest(template: "t", recipient: Recipient(email: "a@b.co", timezone: "Mars/Olympus")), "to.timezone"),
        (SendRequest(template: "t", recipient: Recipient(email: "a@b.co"), idempotencyKey: ""), "idempotency_key"),
        // The API's rule holds for the CLI and CSV too: a key must be writable in an HTTP header.
        (SendRequest(template: "t", recipient: Recipient(email: "a@b.co"), idempotencyKey: "deal 4711"), "idempotency_key"),
        (SendRequest(template: "t", recipient: Recipient(email: "a@b.co"), idempotencyKey: "déal-4711"), "idempotency_key"),
        (SendRequest(template: "t", recipient: Recipient(email: "a@b.co"), expiresAt: Date(timeIntervalSince1970: 0)), "expires_at"),
    ])
    func rejectsBadInputAndQueuesNothing(request: SendRequest, field: String) async throws {
        let store = try await makeStore()
        let outcome = try await dispatcher(store).send([request])[0]
        guard case .rejected(.invalid(let error)) = outcome else { Issue.record("expected rejection, got \(outcome)"); return }
        #expect(error.field == field, "\(error)")
        #expect(try await store.snapshot(now: Date()).counts.values.reduce(0, +) == 0)
    }

    @Test func idempotentReplayAndConflict() async throws {
        let store = try await makeStore()
        let d = dispatcher(store)
        let request = SendRequest(template: "t", recipient: Recipient(email: "a@b.co"), data: .object(["n": .int(1)]), idempotencyKey: "deal-1")
        guard case .accepted(let first, _) = try await d.send([request])[0] else { Issue.record("not accepted"); return }
        guard case .replayed(let again, _) = try await d.send([request])[0] else { Issue.record("not replayed"); return }
        #expect(again.id == first.id)
        var changed = request
        changed.data = .object(["n": .int(2)])
        guard case .rejected(.idempotencyConflict(let key, let existing)) = try await d.send([changed])[0] else { Issue.record("no conflict"); return }
        #expect(key == "deal-1" && existing == first.id)
    }

    @Test func fiftyConcurrentSendsWithOneKeyMakeOneMessage() async throws {
        let store = try await makeStore()
        let d = dispatcher(store)
        let request = SendRequest(template: "t", recipient: Recipient(email: "a@b.co"), idempotencyKey: "same")
        let ids = try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    switch try await d.send([request])[0] {
                    case .accepted(let m, _), .replayed(let m, _): return m.id
                    case .rejected: return nil
                    }
                }
            }
            return try await group.reduce(into: [String?]()) { $0.append($1) }
        }
        #expect(ids.count == 50 && ids.allSatisfy { $0 != nil })
        #expect(Set(ids).count == 1)
        #expect(try await store.snapshot(now: Date()).count(.available) == 1)
    }

    @Test func batchRejectsOnlyTheBadItem() async throws {
        let store = try await makeStore()
        let outcomes = try await dispatcher(store).send([
            SendRequest(template: "t", recipient: Recipient(email: "a@b.co")),
            SendRequest(template: "t", recipient: Recipient(email: "broken")),
            SendRequest(template: "t", recipient: Recipient(email: "c@d.co")),
        ])
        #expect(outcomes.map { if case .accepted = $0 { "ok" } else { "bad" } } == ["ok", "bad", "ok"])
    }
}
