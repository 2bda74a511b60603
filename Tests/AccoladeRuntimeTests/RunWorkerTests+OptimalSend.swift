import AccoladeCore
import AccoladeStoreTestSupport
import AccoladeWorkflows
import Foundation
import Testing

@testable import AccoladeRuntime

extension RunWorkerTests {
    @Test("a send step with send_at: optimal enqueues its message at the picked time, with the reason")
    func optimalSendStep() async throws {
        try await InboxStores.withEach { name, store in
            let clock = TestClock()  // 2026-11-30 00:53:20 UTC; Ana has no zone: UTC
            var send = WorkflowSend(template: "reward-earned", channels: [.sms])
            send.optimalSendAt = true
            let workflow = WorkflowDefinition(name: "optimal", event: "deal.closed", steps: [WorkflowStep(action: .send(send))], file: "optimal.yml")
            let parts = Self.parts(store, clock: clock, workflows: [workflow], owner: "runs-o")
            let outcome = try await parts.events.trigger(EventRequest(event: "deal.closed", recipients: [Self.ana], data: Self.data))
            let runID = try #require(Self.runIDs(outcome).first, "\(name)")
            #expect(try await parts.worker.executeDue() == 1, "\(name)")
            let run = try #require(try await store.run(id: runID))
            let messageID = try #require(run.lastMessageID)
            let message = try #require(try await store.message(id: messageID))
            #expect(message.sendAt == Date(timeIntervalSince1970: 1_796_032_800), "\(name)")  // 10:00 UTC that day
            let reason = try #require(message.sendAtReason)
            #expect(reason.hasPrefix("optimal send time: Mon 2026-11-30 10:00 ") && reason.hasSuffix(": no engagement history: default 10:00"), "\(name): \(reason)")
            #expect(try await store.deliveries(messageID: message.id).map(\.state) == [.scheduled], "\(name)")
        }
    }
}
