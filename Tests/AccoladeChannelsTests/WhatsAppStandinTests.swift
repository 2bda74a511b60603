import AccoladeChannels
import AccoladeCore
import AccoladeCurl
import AccoladeTestSupport
import Foundation
import Logging
import Synchronization
import Testing

/// Draws a message's QR code with the real QR function into a temporary folder.
struct TestQRSource: QRArtifactSource {
    let artifacts: QRArtifacts
    func artifact(forMessage messageID: String) async throws(QRError) -> QRArtifact {
        try artifacts.make(messageID: messageID, payload: "https://rewards.example.com/r/\(messageID)")
    }
}

/// The WhatsApp channel against `scripts/test-servers/whatsapp_standin.py` on 127.0.0.1, which
/// checks path, bearer token and the JSON shape against Meta's OpenAPI document and answers
/// success or any scripted Graph error.
@Suite("WhatsApp channel against the Graph API stand-in", .serialized)
struct WhatsAppStandinTests {
    static let phoneNumberID = "106540352242922"
    static let token = "EAAG-test-token-0123456789"
    static let logger: Logger = {
        var logger = Logger(label: "accolade.test.whatsapp")
        logger.logLevel = .critical
        return logger
    }()

    struct Recorded: Decodable {
        let path: String
        let auth_ok: Bool
        let content_type: String
        let status: Int
        let code: Int?
        let body: JSONValue?
    }

    /// A running stand-in, its request log and a driver; stopped by PID at the end of the test.
    final class Rig: @unchecked Sendable {
        let directory: TemporaryDirectory
        let server: TestServer
        let out: String
        let driver = CurlMultiDriver()
        let clock = ManualClock()
        let suppressions = InMemorySuppressionList()
        let inbound = InMemoryInboundActivityLog()

        init(_ extra: [String] = []) throws {
            directory = try TemporaryDirectory()
            out = directory.url.appendingPathComponent("graph.jsonl").path
            server = try TestServer.python(
                "whatsapp_standin.py", ["--phone-number-id", WhatsAppStandinTests.phoneNumberID, "--token", WhatsAppStandinTests.token, "--out", out] + extra)
        }

        func config(token: String = WhatsAppStandinTests.token, media: WhatsAppChannelConfig.MediaMode = .link, rate: Double = 1000) -> WhatsAppChannelConfig {
            WhatsAppChannelConfig(
                apiBase: "http://127.0.0.1:\(server.port)", phoneNumberID: WhatsAppStandinTests.phoneNumberID, accessToken: token,
                ratePerSecond: rate, media: media, timeout: 5)
        }

        func channel(token: String = WhatsAppStandinTests.token, media: WhatsAppChannelConfig.MediaMode = .link, qr: Bool = true, rate: Double = 1000) throws -> WhatsAppChannel {
            let source = qr ? TestQRSource(artifacts: try QRArtifacts(
                config: QRChannelConfig(directory: directory.url.appendingPathComponent("qr").path), publicURL: "https://rewards.example.com")) : nil
            return WhatsAppChannel(
                config: config(token: token, media: media, rate: rate), driver: driver, suppressions: suppressions, inbound: inbound,
                qrSource: source, clock: clock, logger: WhatsAppStandinTests.logger)
        }

        func recorded() throws -> [Recorded] {
            guard let text = try? String(contentsOfFile: out, encoding: .utf8) else { return [] }
            return try text.split(separator: "\n").map { try JSONDecoder().decode(Recorded.self, from: Data($0.utf8)) }
        }

        func control(_ query: String) async throws {
            let request = try CurlHTTPRequest(url: "http://127.0.0.1:\(server.port)/_control?\(query)")
            let result = await driver.perform(CurlTransfer(.http(request)))
            #expect(result.responseCode == 200)
        }

        func stop() async {
            server.stop()
            await driver.shutdown()
        }
    }

    static let voucher = WhatsAppTemplateMessage(
        name: "reward_voucher", languageCode: "en_US", header: .qrImage, body: ["Ana", "Kudos Awards", "Rp 50.000", "RW-7Q2K", "31 Dec 2026"],
        buttons: [.init(index: 0, kind: .url("RW-7Q2K"))])

    static func request(_ content: RenderedContent, to: String = "+6281234567890", id: String = "d-1", message: String = "m-1") -> DeliveryRequest {
        DeliveryRequest(
            deliveryID: id, messageID: message, attempt: 1, recipient: Recipient(name: "Ana", whatsapp: to), content: content,
            createdAt: Date(timeIntervalSince1970: 1_800_000_000))
    }

    static func failure(_ channel: WhatsAppChannel, _ request: DeliveryRequest) async -> DeliveryError? {
        do {
            _ = try await channel.deliver(request)
            return nil
        } catch {
            return error
        }
    }

    @Test("a template with a QR image header (link) and URL button is accepted in the official shape")
    func templateWithLink() async throws {
        let rig = try Rig(["--template", "reward_voucher:en_US:image:5:0"])
        let channel = try rig.channel()
        let receipt = try await channel.deliver(Self.request(.whatsappTemplate(Self.voucher, text: nil)))
        await rig.stop()
        #expect(receipt.providerMessageID?.hasPrefix("wamid.") == true && receipt.code == "200" && receipt.detail == "template accepted")
        let requests = try rig.recorded()
        try #require(requests.count == 1)
        let r = requests[0]
        #expect(r.path == "/v23.0/\(Self.phoneNumberID)/messages" && r.auth_ok && r.content_type == "application/json" && r.status == 200)
        #expect(r.body?[path: "to"] == .string("6281234567890") && r.body?[path: "type"] == .string("template"))
        #expect(r.body?[path: "template.language.code"] == .string("en_US"))
        guard case .array(let components)? = r.body?[path: "template.components"] else { Issue.record("no components"); return }
        let link = components.first?[path: "parameters"].flatMap { if case .array(let a) = $0 { a.first } else { nil } }?[path: "image.link"]?.stringValue
        #expect(link?.hasPrefix("https://rewards.example.com/v1/qr/") == true && link?.hasSuffix(".png") == true)
    }

    @Test("media: upload posts the PNG once per message and sends the media id")
    func templateWithUpload() async throws {
        let rig = try Rig(["--template", "reward_voucher:en_US:image:5:0"])
        let channel = try rig.channel(media: .upload)
        _ = try await channel.deliver(Self.request(.whatsappTemplate(Self.voucher, text: nil)))
        _ = try await channel.deliver(Self.request(.whatsappTemplate(Self.voucher, text: nil), id: "d-2"))
        await rig.stop()
        let requests = try rig.recorded()
        #expect(requests.map(\.path) == ["/v23.0/\(Self.phoneNumberID)/media", "/v23.0/\(Self.phoneNumberID)/messages", "/v23.0/\(Self.phoneNumberID)/messages"])
        #expect(requests.allSatisfy { $0.status == 200 })
        #expect(requests[0].content_type == "multipart/form-data")
        let sent = try JSONValue(jsonText: requests[1].body?.jsonText() ?? "{}")
        #expect(try sent.jsonText().contains(#""image":{"id":""#))
    }

    @Test("the stand-in rejects what Meta rejects: wrong token (190), unknown template (132001), count mismatch (132000)")
    func configurationErrors() async throws {
        let rig = try Rig(["--template", "reward_voucher:en_US:image:5:0"])
        let badToken = try #require(await Self.failure(try rig.channel(token: "wrong"), Self.request(.whatsappTemplate(Self.voucher, text: nil))))
        #expect(badToken.code == "190" && badToken.disposition == .misconfigured(key: "channels.whatsapp.access_token") && !badToken.description.contains("wrong"))
        let channel = try rig.channel()
        var unknown = Self.voucher
        unknown.name = "no_such_template"
        let e132001 = try #require(await Self.failure(channel, Self.request(.whatsappTemplate(unknown, text: nil))))
        #expect(e132001.code == "132001" && e132001.disposition == .permanent && e132001.detail.contains("whatsapp.name"))
        var short = Self.voucher
        short.body.removeLast()
        let e132000 = try #require(await Self.failure(channel, Self.request(.whatsappTemplate(short, text: nil))))
        #expect(e132000.code == "132000" && e132000.disposition == .permanent && e132000.detail.contains("whatsapp.body"))
        await rig.stop()
    }

    @Test("each error class from the wire", arguments: [
        (131026, DeliveryDisposition.permanent),
        (131050, .suppressed),
        (131056, .retry(after: .seconds(6))),
        (130429, .rateLimited(after: .seconds(1))),
        (80007, .rateLimited(after: .seconds(1))),
        (4, .rateLimited(after: .seconds(1))),
        (132000, .permanent),
        (132001, .permanent),
        (100, .permanent),
        (131008, .permanent),
        (131009, .permanent),
        (190, .misconfigured(key: "channels.whatsapp.access_token")),
    ])
    func errorClasses(code: Int, disposition: DeliveryDisposition) async throws {
        let rig = try Rig()
        let channel = try rig.channel(qr: false)
        let template = WhatsAppTemplateMessage(name: "reward_earned", languageCode: "en_US", body: ["Ana"])
        let error = try #require(await Self.failure(channel, Self.request(.whatsappTemplate(template, text: nil), to: "+1555000\(code)")))
        #expect(error.code == "\(code)" && error.disposition == disposition, "\(error)")
        await rig.stop()
    }

    @Test("131050 suppresses the number; a suppressed number is skipped before any call")
    func suppression() async throws {
        let rig = try Rig()
        let channel = try rig.channel(qr: false)
        let template = WhatsAppTemplateMessage(name: "reward_earned", languageCode: "en_US", body: ["Ana"])
        let number = "+1555000131050"
        #expect(await Self.failure(channel, Self.request(.whatsappTemplate(template, text: nil), to: number))?.disposition == .suppressed)
        #expect(try await rig.suppressions.suppression(channel: .whatsapp, address: number)?.source == "provider:whatsapp")
        #expect(try await rig.suppressions.suppression(channel: .sms, address: number) == nil)
        let again = await Self.failure(channel, Self.request(.whatsappTemplate(template, text: nil), to: number, id: "d-2"))
        #expect(again?.disposition == .suppressed && again?.provider == "suppression-list")
        await rig.stop()
        #expect(try rig.recorded().count == 1)
    }

    @Test("131056 holds only that recipient; others go on at full rate")
    func pairRateLimit() async throws {
        let rig = try Rig()
        let channel = try rig.channel(qr: false)
        let template = WhatsAppTemplateMessage(name: "reward_earned", languageCode: "en_US", body: ["Ana"])
        let hot = "+1555000131056"
        #expect(await Self.failure(channel, Self.request(.whatsappTemplate(template, text: nil), to: hot))?.disposition == .retry(after: .seconds(6)))
        // Held locally: no request reaches Meta for this recipient until the hold ends.
        let held = try #require(await Self.failure(channel, Self.request(.whatsappTemplate(template, text: nil), to: hot, id: "d-2")))
        #expect(held.code == "131056")
        guard case .retry(let after?) = held.disposition else { Issue.record("\(held)"); return }
        #expect(after <= .seconds(6) && after > .zero)
        for i in 0..<5 {
            _ = try await channel.deliver(Self.request(.whatsappTemplate(template, text: nil), to: "+628123456789\(i)", id: "o-\(i)"))
        }
        #expect(channel.throttle.currentRate(now: rig.clock.now()) == 1000)
        rig.clock.advance(6)
        #expect(await Self.failure(channel, Self.request(.whatsappTemplate(template, text: nil), to: hot, id: "d-3"))?.code == "131056")
        await rig.stop()
        #expect(try rig.recorded().count == 1 + 5 + 1)
    }

    @Test("130429 throttles the whole channel: the rate halves")
    func throughputLimit() async throws {
        let rig = try Rig(["--fail-code", "130429", "--fail-count", "1", "--retry-after", "2"])
        let channel = try rig.channel(qr: false, rate: 80)
        let template = WhatsAppTemplateMessage(name: "reward_earned", languageCode: "en_US", body: ["Ana"])
        let error = try #require(await Self.failure(channel, Self.request(.whatsappTemplate(template, text: nil))))
        #expect(error.disposition == .rateLimited(after: .seconds(2)))
        #expect(channel.throttle.currentRate(now: rig.clock.now()) == 40)
        // The pause from Retry-After applies to everyone.
        let busy = try #require(await Self.failure(channel, Self.request(.whatsappTemplate(template, text: nil), to: "+6281111111111", id: "d-2")))
        guard case .rateLimited = busy.disposition else { Issue.record("\(busy)"); return }
        rig.clock.advance(3)
        _ = try await channel.deliver(Self.request(.whatsappTemplate(template, text: nil), id: "d-3"))
        await rig.stop()
    }

    @Test("free text inside the window; template outside it; 131047 resends as the template")
    func window() async throws {
        let rig = try Rig(["--window-closed", "+6289999999999"])
        let channel = try rig.channel(qr: false)
        let template = WhatsAppTemplateMessage(name: "reward_earned", languageCode: "en_US", body: ["Ana"])
        let content = RenderedContent.whatsappTemplate(template, text: "Hi Ana, your code is RW-7Q2K")
        // Never wrote: the template.
        #expect(try await channel.deliver(Self.request(content)).detail == "template accepted")
        // Wrote an hour ago: free text.
        try await rig.inbound.recordInbound(channel: .whatsapp, address: "+6281234567890", at: rig.clock.now().addingTimeInterval(-3600))
        #expect(try await channel.deliver(Self.request(content, id: "d-2")).detail.hasPrefix("text"))
        // 25 hours later: the template again.
        rig.clock.advance(24 * 3600)
        #expect(try await channel.deliver(Self.request(content, id: "d-3")).detail == "template accepted")
        // Our log says open, Meta says closed (131047): resent at once as the template.
        try await rig.inbound.recordInbound(channel: .whatsapp, address: "+6289999999999", at: rig.clock.now())
        #expect(try await channel.deliver(Self.request(content, to: "+6289999999999", id: "d-4")).detail == "template accepted")
        // Free text only and the window is closed: refused without a call.
        let refused = try #require(await Self.failure(channel, Self.request(.whatsapp(text: "hi"), to: "+6287777777777", id: "d-5")))
        #expect(refused.disposition == .permanent && refused.code == "window")
        await rig.stop()
        let types = try rig.recorded().map { $0.body?[path: "type"]?.stringValue ?? "" }
        #expect(types == ["template", "text", "template", "text", "template"])
        #expect(try rig.recorded()[3].code == 131047)
    }

    @Test("send-time validation: number, sizes, image header without channels.qr")
    func validation() throws {
        let driver = CurlMultiDriver()
        defer { Task { await driver.shutdown() } }
        let channel = WhatsAppChannel(
            config: WhatsAppChannelConfig(phoneNumberID: Self.phoneNumberID, accessToken: Self.token), driver: driver, logger: Self.logger)
        #expect(throws: ValidationError.self) { try channel.validate(recipient: Recipient(phone: "+6281234567890")) }
        #expect(throws: ValidationError.self) { try channel.validate(recipient: Recipient(whatsapp: "081234567890")) }
        try channel.validate(recipient: Recipient(whatsapp: "+6281234567890"))
        #expect(throws: ValidationError.self) { try channel.validate(content: .whatsapp(text: String(repeating: "a", count: 4097))) }
        #expect(throws: ValidationError.self) { try channel.validate(content: .sms(text: "x")) }
        do {
            try channel.validate(content: .whatsappTemplate(Self.voucher, text: nil))
            Issue.record("image header accepted without a QR source")
        } catch {
            #expect(error.reason.contains("channels.qr"))
        }
        var longHeader = WhatsAppTemplateMessage(name: "t", languageCode: "en", header: .text(String(repeating: "h", count: 61)))
        #expect(throws: ValidationError.self) { try channel.validate(content: .whatsappTemplate(longHeader, text: nil)) }
        longHeader.header = .text("ok")
        try channel.validate(content: .whatsappTemplate(longHeader, text: nil))
    }
}
