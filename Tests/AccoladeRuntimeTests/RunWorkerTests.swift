import AccoladeCore
import AccoladeStoreTestSupport
import AccoladeStores
import AccoladeWorkflows
import Foundation
import Synchronization
import Testing

@testable import AccoladeRuntime

/// Events → durable runs → the run worker → ordinary messages, through the real stores and the
/// shipped templates, with time moved by an injected clock (nobody sleeps a day).
@Suite("Workflow runs: trigger and run worker", .serialized)
struct RunWorkerTests {
    static let templates: TemplateLibrary = try! TemplateLibrary(directory: shippedTemplates)
    static var data: JSONValue { templates.info("reward-earned")!.sample.data }
    static let ana = Recipient(name: "Ana", phone: "+6281234567890", whatsapp: "+6281234567890", locale: "id", id: "crm-10492")

    /// A clock the test moves.
    final class TestClock: WallClock, Sendable {
        private let current: Mutex<Date>
        init(_ date: Date = Date(timeIntervalSince1970: 1_796_000_000)) { current = Mutex(date) }
        func now() -> Date { current.withLock { $0 } }
        func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
        func advance(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    static let escalate = WorkflowDefinition(
        name: "escalate", event: "deal.closed",
        steps: [
            WorkflowStep(action: .send(WorkflowSend(template: "reward-earned", channels: [.whatsapp]))),
            WorkflowStep(action: .wait(WorkflowWait(target: .read, within: 86400, otherwise: WorkflowSend(template: "reward-earned", channels: [.sms])))),
        ],
        file: "escalate.yml")

    struct Parts {
        let events: EventDispatcher
        let worker: RunWorker
    }

    static func parts(_ store: any Store, clock: TestClock, workflows: [WorkflowDefinition] = [escalate], owner: String = "runs-a") -> Parts {
        let channels = ChannelRegistry([
            ScriptedChannel(kind: .whatsapp) { _ in DeliveryReceipt(provider: "fake") },
            ScriptedChannel(kind: .sms) { _ in DeliveryReceipt(provider: "fake") },
            ScriptedChannel(kind: .email) { _ in DeliveryReceipt(provider: "fake") },
        ])
        let dispatcher = Dispatcher(store: store, renderer: templates, channels: channels, clock: clock, logger: quietLogger)
        return Parts(
            events: EventDispatcher(dispatcher: dispatcher, store: store, workflows: workflows, logger: quietLogger),
            worker: RunWorker(
                store: store, dispatcher: dispatcher, runner: WorkflowRunner(workflows: workflows),
                settings: .init(owner: owner, lease: 30, pollInterval: 0.05), clock: clock, logger: quietLogger))
    }

    static func runIDs(_ outcome: EventOutcome) -> [String] {
        guard case .runs(let recipients) = outcome else { return [] }
        return recipients.flatMap(\.results).compactMap { if case .created(let r) = $0 { r.id } else { nil } }
    }

    static func outcomes(_ steps: [RunStepRecord]) -> [String] { steps.map { "\($0.kind):\($0.outcome.rawValue)" } }

    @Test("escalation: the WhatsApp send, a wait that times out a day later, the SMS; each message keyed by run and step")
    func escalation() async throws {
        try await InboxStores.withEach { name, store in
            let clock = TestClock()
            let parts = Self.parts(store, clock: clock)
            let outcome = try await parts.events.trigger(EventRequest(event: "deal.closed", recipients: [Self.ana], data: Self.data))
            let run = try #require(Self.runIDs(outcome).first, "\(name)")
            #expect(try await parts.worker.executeDue() == 1, "\(name)")
            var stored = try #require(try await store.run(id: run))
            #expect(stored.state == .scheduled, "\(name)")
            #expect(stored.dueAt == clock.now().addingTimeInterval(86400), "\(name)")
            let first = try #require(stored.lastMessageID)
            #expect(try await store.message(id: first)?.idempotencyKey == WorkflowRun.sendIdempotencyKey(runID: run, step: 0))
            #expect(try await store.deliveries(messageID: first).map(\.channel) == [.whatsapp])
            // Nothing is due before the deadline.
            clock.advance(86399)
            #expect(try await parts.worker.executeDue() == 0, "\(name)")
            clock.advance(2)
            #expect(try await parts.worker.executeDue() == 1, "\(name)")
            stored = try #require(try await store.run(id: run))
            #expect(stored.state == .completed, "\(name)")
            let steps = try await store.runSteps(runID: run)
            #expect(Self.outcomes(steps) == ["send:sent", "wait:waiting", "wait:timedOut", "wait:sent"], "\(name)")
            let sms = try #require(steps.last?.messageID)
            #expect(try await store.deliveries(messageID: sms).map(\.channel) == [.sms])
            #expect(try await store.message(id: sms)?.idempotencyKey == WorkflowRun.sendIdempotencyKey(runID: run, step: 1))
        }
    }

    @Test("a run is idempotent per recipient: the same key replays, other content under it conflicts for that recipient only")
    func idempotentTriggers() async throws {
        try await InboxStores.withEach { name, store in
            let parts = Self.parts(store, clock: TestClock())
            let bob = Recipient(email: "Bob@Example.com")
            let first = try await parts.events.trigger(EventRequest(event: "deal.closed", recipients: [Self.ana, bob], data: Self.data, idempotencyKey: "deal-1"))
            #expect(Self.runIDs(first).count == 2, "\(name)")
            guard case .runs(let again) = try await parts.events.trigger(EventRequest(event: "deal.closed", recipients: [Self.ana, bob], data: Self.data, idempotencyKey: "deal-1"))
            else { Issue.record("no runs"); return }
            #expect(again.map { $0.results.map { if case .replayed = $0 { true } else { false } } } == [[true], [true]], "\(name)")
            #expect(again.map(\.recipientKey) == ["crm-10492", "bob@example.com"])
            var object = Self.data.objectValue ?? [:]
            object["program"] = .string("Another programme")
            let other = JSONValue.object(object)
            let carol = Recipient(email: "carol@example.com")
            guard case .runs(let mixed) = try await parts.events.trigger(EventRequest(event: "deal.closed", recipients: [Self.ana, carol], data: other, idempotencyKey: "deal-1"))
            else { Issue.record("no runs"); return }
            #expect(mixed.map(\.hasConflict) == [true, false], "\(name)")
        }
    }

    @Test("an event no workflow listens to starts nothing; a redemption with nothing to match says so")
    func nothingToDo() async throws {
        let store = try await makeStore()
        let parts = Self.parts(store, clock: TestClock())
        guard case .runs(let runs) = try await parts.events.trigger(EventRequest(event: "nobody.listens", recipients: [Self.ana], data: .object([:])))
        else { Issue.record("no runs"); return }
        #expect(runs.map(\.results.isEmpty) == [true])
        #expect(try await parts.events.trigger(EventRequest(event: "reward.redeemed", recipients: [], data: .object(["message_id": .string("nope")]))) == .redeemed(runIDs: []))
    }

    static let refused: [(request: EventRequest, field: String)] = [
        (EventRequest(event: "deal closed", recipients: [ana], data: data), "event"),
        (EventRequest(event: "deal.closed", recipients: [], data: data), "recipients"),
        (EventRequest(event: "deal.closed", recipients: [Recipient(name: "No Address")], data: data), "recipients[0]"),
        (EventRequest(event: "deal.closed", recipients: [ana, Recipient(phone: "081234")], data: data), "recipients[1].phone"),
        (EventRequest(event: "deal.closed", recipients: [ana], data: .object(["program": .string("P")])), "data.reward"),
        (EventRequest(event: "deal.closed", recipients: [ana], data: .array([])), "data"),
        (EventRequest(event: "deal.closed", recipients: [ana], data: data, idempotencyKey: "has space"), "idempotency_key"),
        (EventRequest(event: "deal.closed", recipients: [ana], data: data, cancellationKey: ""), "cancellation_key"),
        (EventRequest(event: "reward.redeemed", recipients: [], data: .object(["reward": .object([:])])), "data"),
        (EventRequest(event: "deal.closed", recipients: Array(repeating: ana, count: 1001), data: data), "recipients"),
    ]

    @Test("every bad event is refused naming its field, and stores nothing")
    func refusesBadEvents() async throws {
        let store = try await makeStore()
        let parts = Self.parts(store, clock: TestClock())
        for (request, field) in Self.refused {
            do {
                _ = try await parts.events.trigger(request)
                Issue.record("accepted \(request.event) (\(field))")
            } catch let error as ValidationError {
                #expect(error.field == field, "\(error)")
                if field == "data.reward" { #expect(error.reason.contains("workflow escalate"), "\(error)") }
            }
        }
        #expect(try await store.runs(matching: RunQuery()).isEmpty)
    }

    /// Fails every advance: the worker dies between enqueueing a step's message and writing the run.
    final class CrashingStore: ForwardingStore, @unchecked Sendable {
        override func advanceRun(_ advance: RunAdvance) async throws -> Bool { throw CancellationError() }
    }

    @Test("a worker that dies after enqueueing, before writing the run: the next one re-executes it and replays the message, never a second")
    func reexecutionAfterACrash() async throws {
        let base = try await makeStore()
        let clock = TestClock()
        let crashing = Self.parts(CrashingStore(base), clock: clock, owner: "dies")
        let run = try #require(Self.runIDs(try await crashing.events.trigger(EventRequest(event: "deal.closed", recipients: [Self.ana], data: Self.data))).first)
        await #expect(throws: CancellationError.self) { try await crashing.worker.executeDue() }
        #expect(try await base.messages(matching: MessageQuery()).count == 1)
        // Its lease (30 s) expires; another worker takes the run over.
        let survivor = Self.parts(base, clock: clock, owner: "survives")
        #expect(try await survivor.worker.executeDue() == 0)
        clock.advance(31)
        #expect(try await survivor.worker.executeDue() == 1)
        let messages = try await base.messages(matching: MessageQuery())
        #expect(messages.count == 1)
        #expect(try await base.run(id: run)?.lastMessageID == messages.first?.id)
        #expect(Self.outcomes(try await base.runSteps(runID: run)) == ["send:sent", "wait:waiting"])
    }

    @Test("a send none of whose channels reaches the recipient is skipped with the reason; the run goes on")
    func unreachableSendIsSkipped() async throws {
        let store = try await makeStore()
        let clock = TestClock()
        let parts = Self.parts(store, clock: clock)
        let emailOnly = Recipient(email: "dina@example.com")
        let run = try #require(Self.runIDs(try await parts.events.trigger(EventRequest(event: "deal.closed", recipients: [emailOnly], data: Self.data))).first)
        #expect(try await parts.worker.executeDue() == 1)
        let steps = try await store.runSteps(runID: run)
        #expect(steps.first?.outcome == .skipped)
        #expect(steps.first?.reason?.contains("no address for whatsapp") == true, "\(steps)")
        #expect(try await store.messages(matching: MessageQuery()).isEmpty)
    }
}
