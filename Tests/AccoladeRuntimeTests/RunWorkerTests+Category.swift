import AccoladeCore
import AccoladeStoreTestSupport
import AccoladeWorkflows
import Foundation
import Testing

@testable import AccoladeRuntime

extension RunWorkerTests {
    @Test("a run's messages take the workflow's category; a workflow naming none leaves it to the template (then rewards)")
    func workflowCategory() async throws {
        try await InboxStores.withEach { name, store in
            let clock = TestClock()
            let channels = ChannelRegistry([ScriptedChannel(kind: .sms) { _ in DeliveryReceipt(provider: "fake") }])
            let dispatcher = Dispatcher(
                store: store, renderer: Self.templates, channels: channels, clock: clock, logger: quietLogger,
                categories: CategoriesConfig(categories: [MessageCategory(name: "loyalty")]))
            let send = WorkflowStep(action: .send(WorkflowSend(template: "reward-earned", channels: [.sms])))
            let workflows = [
                WorkflowDefinition(name: "named", event: "deal.closed", category: "loyalty", steps: [send], file: "named.yml"),
                WorkflowDefinition(name: "unnamed", event: "deal.closed", steps: [send], file: "unnamed.yml"),
            ]
            let events = EventDispatcher(dispatcher: dispatcher, store: store, workflows: workflows, logger: quietLogger)
            let worker = RunWorker(
                store: store, dispatcher: dispatcher, runner: WorkflowRunner(workflows: workflows),
                settings: .init(owner: "runs-c", lease: 30, pollInterval: 0.05), clock: clock, logger: quietLogger)
            let outcome = try await events.trigger(EventRequest(event: "deal.closed", recipients: [Self.ana], data: Self.data))
            #expect(Self.runIDs(outcome).count == 2, "\(name)")
            #expect(try await worker.executeDue() == 2, "\(name)")
            var categories: [String: String] = [:]
            for id in Self.runIDs(outcome) {
                let run = try #require(try await store.run(id: id))
                let messageID = try #require(run.lastMessageID)
                let message = try #require(try await store.message(id: messageID))
                categories[run.workflow] = message.category
            }
            #expect(categories == ["named": "loyalty", "unnamed": "rewards"], "\(name)")
        }
    }
}
