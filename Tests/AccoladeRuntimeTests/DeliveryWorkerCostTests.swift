import AccoladeCore
import AccoladeWorkflows
import Foundation
import Testing

@testable import AccoladeRuntime

/// The worker prices each accepted attempt with today's rate card (``DeliveryCosting``): SMS per
/// segment by destination, email per message; a failure costs nothing; the programme and the
/// reward value are read when the message is accepted.
@Suite struct DeliveryWorkerCostTests {
    @Test func acceptedAttemptsArePricedAtSendTime() async throws {
        let clock = FixedClock(date: ISOTime.parseInstant("2026-06-10T08:00:00Z")!)
        let store = try await makeStore()
        let sms = ScriptedChannel(kind: .sms) { _ in
            var receipt = DeliveryReceipt(provider: "twilio")
            receipt.units = 3  // a three-segment text
            return receipt
        }
        let email = ScriptedChannel(kind: .email) { _ in DeliveryReceipt(provider: "smtp") }
        let channels = ChannelRegistry([sms, email])
        let costs = CostsConfig(
            currency: "USD", email: ["smtp": 400], sms: ["twilio": PrefixPrices(defaultPrice: 7_900, byPrefix: ["+62": 41_500])])
        let d = Dispatcher(store: store, renderer: StubRenderer(), channels: channels, clock: clock, logger: quietLogger, programmePath: "campaign")
        let request = SendRequest(
            template: "t", recipient: Recipient(email: "a@example.com", phone: "+6281234567890"),
            data: .object(["campaign": .string("Q2 Stars")]), channels: [.sms, .email])
        guard case .accepted(let message, _) = try await d.send([request])[0] else { Issue.record("refused"); return }
        #expect(message.programme == "Q2 Stars")

        let worker = DeliveryWorker(
            store: store, renderer: StubRenderer(), channels: channels, settings: fastSettings(), clock: clock, logger: quietLogger,
            costing: DeliveryCosting(costs: costs, renderer: StubRenderer()))
        try await worker.run()

        let deliveries = try await store.deliveries(messageID: message.id)
        #expect(deliveries.first { $0.channel == .sms }?.cost == MicroMoney(micros: 124_500, currency: "USD"))  // 3 × 0.0415
        #expect(deliveries.first { $0.channel == .email }?.cost == MicroMoney(micros: 400, currency: "USD"))
        #expect(try await store.message(id: message.id)?.programme == "Q2 Stars")
        #expect(DeliveryCosting(costs: CostsConfig(), renderer: StubRenderer()) == nil)
    }

    /// A workflow's `reward_value:` paths come before the template's: the value is read from
    /// where the event carries it.
    @Test func aWorkflowsRewardValuePathIsReadBeforeTheTemplates() async throws {
        let store = try await makeStore()
        let channels = ChannelRegistry([ScriptedChannel(kind: .email) { _ in DeliveryReceipt(provider: "smtp") }])
        let d = Dispatcher(store: store, renderer: StubRenderer(), channels: channels, clock: SystemWallClock(), logger: quietLogger)
        var request = SendRequest(
            template: "t", recipient: Recipient(email: "a@example.com"),
            data: .object(["kudos": .object(["points": .int(50)])]), channels: [.email])
        request.workflowRewardValuePaths = ["missing", "kudos.points"]
        let prepared = try d.prepare(request)
        #expect(prepared.message.rewardValue == MicroMoney(micros: 50_000_000, currency: MicroMoney.points))
        request.workflowRewardValuePaths = []
        #expect(try d.prepare(request).message.rewardValue == nil)
    }
}
