import AccoladeCore
import AccoladeTestSupport
import Foundation
import Testing

@testable import AccoladeRuntime

/// Bounces and complaints against a real SQLite store, from messages sent by the worker.
@Suite("Bounces: DSNs and complaints change deliveries and the suppression list")
struct BounceRecorderTests {
    static let returnPath = try! ReturnPath("bounces+{delivery_id}@mail.example.com")

    /// Sends `count` emails (fallback to SMS when `fallback`) and answers each message's email delivery.
    func sendEmails(_ store: any Store, count: Int = 1, fallback: Bool = false, to address: String = "ana@example.com") async throws -> [Delivery] {
        let email = ScriptedChannel { r in DeliveryReceipt(provider: "smtp", providerMessageID: "relay-\(r.deliveryID)", code: "250", detail: "ok") }
        let sms = ScriptedChannel(kind: .sms) { _ in DeliveryReceipt(provider: "twilio", providerMessageID: "SM1", code: "201", detail: "ok") }
        let d = Dispatcher(store: store, renderer: StubRenderer(), channels: ChannelRegistry([email, sms]), clock: SystemWallClock(), logger: quietLogger)
        let requests = (0..<count).map { _ in
            SendRequest(
                template: "t", recipient: Recipient(email: address, phone: "+6281234567890"), channels: fallback ? [.email, .sms] : [.email],
                mode: .fallback)
        }
        var deliveries: [Delivery] = []
        for outcome in try await d.send(requests) {
            guard case .accepted(let message, _) = outcome else { throw ValidationError(field: "test", reason: "\(outcome)") }
            try await DeliveryWorker(store: store, renderer: StubRenderer(), channels: ChannelRegistry([email, sms]), settings: fastSettings(), logger: quietLogger).run()
            deliveries.append(try #require(try await store.deliveries(messageID: message.id).first { $0.channel == .email }))
        }
        return deliveries
    }

    func recorder(_ store: any Store, softLimit: Int = 3) -> BounceRecorder {
        BounceRecorder(store: store, settings: BouncesConfig(softLimit: softLimit), returnPath: Self.returnPath, logger: quietLogger)
    }

    @Test("a hard bounce at the VERP address fails the delivery, suppresses the address, and a fallback route moves on to SMS")
    func hardBounce() async throws {
        let store = try await makeStore()
        let delivery = try #require(try await sendEmails(store, fallback: true).first)
        #expect(delivery.state == .sent)
        let dsn = BounceSamples.dsn(to: Self.returnPath.address(deliveryID: delivery.id), recipient: "Ana@Example.com", status: "5.1.1")
        let outcome = try await recorder(store).record(dsn)
        #expect(outcome.deliveryID == delivery.id)
        #expect(outcome.kind == .hard)
        #expect(outcome.suppressed && outcome.newlySuppressed)
        #expect(try await store.delivery(id: delivery.id)?.state == .failed)
        let entry = try #require(try await store.suppression(channel: .email, address: "ana@example.com"))
        #expect(entry.reason.hasPrefix("hard bounce 5.1.1: smtp; 550 5.1.1"), "\(entry.reason)")
        #expect(entry.source == "bounce")
        // The SMS the email had made unnecessary is due again.
        let sms = try #require(try await store.deliveries(messageID: delivery.messageID).first { $0.channel == .sms })
        #expect([.available, .scheduled].contains(sms.state), "\(sms.state)")
        // The same report again changes nothing more.
        let again = try await recorder(store).record(dsn)
        #expect(again.suppressed && !again.newlySuppressed)
    }

    @Test("soft bounces suppress only at bounces.soft_limit within the window; a repeat of one report counts once")
    func softBounces() async throws {
        let store = try await makeStore()
        let deliveries = try await sendEmails(store, count: 3)
        let reports = deliveries.map { BounceSamples.dsn(to: Self.returnPath.address(deliveryID: $0.id), recipient: "ana@example.com", status: "4.2.2") }
        let first = try await recorder(store).record(reports[0])
        #expect(first.kind == .soft && first.softBounces == 1 && !first.suppressed)
        #expect(try await store.delivery(id: deliveries[0].id)?.state == .failed)
        #expect(try await recorder(store).record(reports[0]).softBounces == 1)
        #expect(try await recorder(store).record(reports[1]).softBounces == 2)
        #expect(try await store.suppression(channel: .email, address: "ana@example.com") == nil)
        let third = try await recorder(store).record(reports[2])
        #expect(third.softBounces == 3 && third.suppressed)
        #expect(try await store.suppression(channel: .email, address: "ana@example.com")?.reason.hasPrefix("3 soft bounces within 30d") == true)
    }

    @Test("a complaint suppresses the address and leaves the delivery sent; matched by the Message-ID Accolade wrote")
    func complaint() async throws {
        let store = try await makeStore()
        let delivery = try #require(try await sendEmails(store).first)
        let arf = BounceSamples.complaint(originalMessageID: "<\(delivery.id)@example.com>", recipient: "ana@example.com")
        let outcome = try await recorder(store).record(arf)
        #expect(outcome.deliveryID == delivery.id && outcome.kind == .complaint && outcome.suppressed)
        #expect(try await store.delivery(id: delivery.id)?.state == .sent)
        #expect(try await store.suppression(channel: .email, address: "ana@example.com")?.reason == "spam complaint feedback-type abuse")
    }

    @Test("matched by the relay's message id when the relay replaced the Message-ID (as Amazon SES does)")
    func relayMessageID() async throws {
        let store = try await makeStore()
        let delivery = try #require(try await sendEmails(store).first)
        let dsn = BounceSamples.dsn(to: "postmaster@example.com", recipient: "ana@example.com", status: "5.1.1", originalMessageID: "<relay-\(delivery.id)>")
        #expect(try await recorder(store).record(dsn).deliveryID == delivery.id)
    }

    @Test("a report naming another address, a delayed notice, or no known delivery changes nothing")
    func changesNothing() async throws {
        let store = try await makeStore()
        let delivery = try #require(try await sendEmails(store).first)
        let other = BounceSamples.dsn(to: Self.returnPath.address(deliveryID: delivery.id), recipient: "someone-else@example.com", status: "5.1.1")
        let outcome = try await recorder(store).record(other)
        #expect(outcome.kind == nil && !outcome.suppressed)
        let delayed = BounceSamples.dsn(to: Self.returnPath.address(deliveryID: delivery.id), recipient: "ana@example.com", status: "4.4.7", action: "delayed")
        #expect(try await recorder(store).record(delayed).kind == nil)
        let unknown = BounceSamples.dsn(to: Self.returnPath.address(deliveryID: "dlv_unknown"), recipient: "ana@example.com", status: "5.1.1")
        #expect(try await recorder(store).record(unknown).deliveryID == nil)
        #expect(try await store.delivery(id: delivery.id)?.state == .sent)
        #expect(try await store.suppression(channel: .email, address: "ana@example.com") == nil)
        // Not a report at all.
        await #expect(throws: BounceReportError.self) { try await recorder(store).record(Array("Subject: hi\r\n\r\nhello\r\n".utf8)) }
    }
}
