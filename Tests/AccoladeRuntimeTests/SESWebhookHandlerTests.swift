import AccoladeCore
import AccoladeTestSupport
import Foundation
import Synchronization
import Testing

@testable import AccoladeRuntime

/// `POST /v1/webhooks/ses` in-process, with a gateway double (the real one is tested against a
/// TLS stand-in in AccoladeChannelsTests, and end to end): what each SNS message type does, and
/// which answers make SNS retry.
@Suite("SES webhook: topics, signatures, confirmations and SES events")
struct SESWebhookHandlerTests {
    static let topic = "arn:aws:sns:eu-west-1:123456789012:ses-feedback"

    /// Accepts or refuses every message as told, and remembers the confirmations asked for.
    final class Gateway: SNSGateway {
        let verdict: SNSVerificationError?
        let confirmed = Mutex<[String]>([])
        init(_ verdict: SNSVerificationError? = nil) { self.verdict = verdict }
        func verify(_ envelope: SNSEnvelope) async throws(SNSVerificationError) {
            if let verdict { throw verdict }
        }
        func confirmSubscription(_ envelope: SNSEnvelope) async throws(SNSVerificationError) {
            confirmed.withLock { $0.append(envelope.subscribeURL ?? "") }
        }
    }

    func handler(_ store: any Store, gateway: Gateway, confirm: Bool = true) -> SESWebhookHandler {
        SESWebhookHandler(
            settings: SESBouncesConfig(topicARNs: [Self.topic], confirmSubscriptions: confirm), gateway: gateway,
            recorder: BounceRecorder(store: store, settings: BouncesConfig(softLimit: 2), returnPath: nil, logger: quietLogger), logger: quietLogger)
    }

    func post(_ handler: SESWebhookHandler, _ fields: [String: String]) async throws -> WebhookResponse {
        let body = Array(try JSONSerialization.data(withJSONObject: fields))
        return try await handler.handle(WebhookRequest(
            method: "POST", provider: "ses", event: "", query: [], headers: ["x-amz-sns-message-type": fields["Type"] ?? ""], body: body,
            publicURL: "https://rewards.example.com/v1/webhooks/ses"))
    }

    func notification(_ message: String, topic: String = Self.topic) -> [String: String] {
        [
            "Type": "Notification", "MessageId": UUID().uuidString, "TopicArn": topic, "Message": message, "Timestamp": "2026-12-07T03:00:00.000Z",
            "SignatureVersion": "2", "Signature": "c2lnbmVk", "SigningCertURL": "https://sns.eu-west-1.amazonaws.com/x.pem",
        ]
    }

    func status(_ work: () async throws -> WebhookResponse) async -> Int {
        do {
            return try await work().status
        } catch let rejection as WebhookRejection {
            return rejection.status
        } catch {
            return -1
        }
    }

    @Test("a permanent bounce matched by SES's message id fails the delivery and suppresses the address; a complaint too")
    func bounceAndComplaint() async throws {
        let store = try await makeStore()
        let deliveries = try await BounceRecorderTests().sendEmails(store, count: 2)
        let ses = handler(store, gateway: Gateway())
        // The scripted relay answered "relay-<delivery id>", as SES answers 250 Ok <id>.
        let answer = try await post(ses, notification(SESSamples.bounce(messageID: "relay-\(deliveries[0].id)", address: "ana@example.com")))
        let outcome = try JSONDecoder().decode(BounceOutcome.self, from: Data(answer.body))
        #expect(answer.status == 200 && outcome.deliveryID == deliveries[0].id && outcome.kind == .hard && outcome.suppressed)
        #expect(try await store.delivery(id: deliveries[0].id)?.state == .failed)
        #expect(try await store.suppression(channel: .email, address: "ana@example.com")?.reason.hasPrefix("hard bounce 5.1.1") == true)
        let complaint = try await post(ses, notification(SESSamples.complaint(messageID: "relay-\(deliveries[1].id)", address: "ana@example.com")))
        #expect(try JSONDecoder().decode(BounceOutcome.self, from: Data(complaint.body)).kind == .complaint)
        // A complaint does not make a delivered message failed.
        #expect(try await store.delivery(id: deliveries[1].id)?.state == .sent)
    }

    @Test("transient bounces count toward soft_limit; the same SES event delivered twice counts once")
    func softBounces() async throws {
        let store = try await makeStore()
        let deliveries = try await BounceRecorderTests().sendEmails(store, count: 2, to: "bo@example.com")
        let ses = handler(store, gateway: Gateway())
        let first = notification(SESSamples.bounce(messageID: "relay-\(deliveries[0].id)", address: "bo@example.com", type: "Transient", status: "4.2.2", feedbackID: "fb-1"))
        for _ in 0..<2 {
            let answer = try await post(ses, first)
            #expect(try JSONDecoder().decode(BounceOutcome.self, from: Data(answer.body)).softBounces == 1)
        }
        #expect(try await store.suppression(channel: .email, address: "bo@example.com") == nil)
        let second = notification(SESSamples.bounce(messageID: "relay-\(deliveries[1].id)", address: "bo@example.com", type: "Transient", status: "4.2.2"))
        let answer = try JSONDecoder().decode(BounceOutcome.self, from: Data(try await post(ses, second).body))
        #expect(answer.softBounces == 2 && answer.suppressed)
    }

    @Test("refusals: a foreign topic or a bad signature is 403, an unreachable certificate 503, junk 400; nothing changes")
    func refusals() async throws {
        let store = try await makeStore()
        let delivery = try #require(try await BounceRecorderTests().sendEmails(store).first)
        let bounce = SESSamples.bounce(messageID: "relay-\(delivery.id)", address: "ana@example.com")
        #expect(await status { try await post(handler(store, gateway: Gateway()), notification(bounce, topic: "arn:aws:sns:eu-west-1:999999999999:evil")) } == 403)
        #expect(await status { try await post(handler(store, gateway: Gateway(.badSignature)), notification(bounce)) } == 403)
        #expect(await status { try await post(handler(store, gateway: Gateway(.certificateUnavailable("curl 7"))), notification(bounce)) } == 503)
        #expect(await status { try await post(handler(store, gateway: Gateway()), ["Type": "Notification"]) } == 400)
        #expect(await status { try await post(handler(store, gateway: Gateway()), notification("not json")) } == 400)
        #expect(try await store.delivery(id: delivery.id)?.state == .sent)
        #expect(try await store.suppression(channel: .email, address: "ana@example.com") == nil)
        // Events that are not bounces or complaints are acknowledged, so SNS does not retry them.
        #expect(await status { try await post(handler(store, gateway: Gateway()), notification(SESSamples.delivery(messageID: "m", address: "a@example.com"))) } == 200)
    }

    @Test("a subscription confirmation is confirmed, or only logged with confirm_subscriptions off")
    func confirmations() async throws {
        let store = try await makeStore()
        var fields = notification("You have chosen to subscribe")
        fields["Type"] = "SubscriptionConfirmation"
        fields["Token"] = "2336412f37"
        fields["SubscribeURL"] = "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&Token=2336412f37"
        let gateway = Gateway()
        #expect(try await post(handler(store, gateway: gateway), fields).status == 200)
        #expect(gateway.confirmed.withLock { $0 } == [fields["SubscribeURL"]!])
        let off = Gateway()
        #expect(try await post(handler(store, gateway: off, confirm: false), fields).status == 200)
        #expect(off.confirmed.withLock { $0 }.isEmpty)
    }
}
