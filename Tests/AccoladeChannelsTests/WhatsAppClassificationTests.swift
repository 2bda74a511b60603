import AccoladeChannels
import AccoladeCore
import AccoladeCurl
import Foundation
import Testing

/// The pure parts of the WhatsApp channel: error table, request shapes, signature, webhook
/// payloads, window and per-recipient pacing. No sockets.
@Suite("WhatsApp: pure parts")
struct WhatsAppClassificationTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func graphError(_ code: Int, status: Int = 400, headers: [CurlHeader] = []) -> CurlResult {
        let body = #"{"error":{"message":"(#\#(code)) something","type":"OAuthException","code":\#(code),"error_data":{"messaging_product":"whatsapp","details":"more"},"fbtrace_id":"Atrace"}}"#
        return CurlResult(curlCode: 0, responseCode: status, headers: headers, body: Array(body.utf8))
    }

    static func classify(_ code: Int, status: Int = 400) -> WhatsAppFailure? {
        guard case .failure(let f) = WhatsAppResultClassifier.classifySend(graphError(code, status: status), now: now) else { return nil }
        return f
    }

    @Test("classification is by error.code, whatever the HTTP status", arguments: [
        (130429, DeliveryDisposition.rateLimited(after: .seconds(1)), WhatsAppFailure.Action.throttleChannel),
        (80007, .rateLimited(after: .seconds(1)), .throttleChannel),
        (4, .rateLimited(after: .seconds(1)), .throttleChannel),
        (131048, .rateLimited(after: .seconds(60)), .throttleChannel),
        (131056, .retry(after: .seconds(6)), .delayRecipient),
        (131026, .permanent, .none),
        (131047, .permanent, .resendAsTemplate),
        (131050, .suppressed, .suppress),
        (132000, .permanent, .none),
        (132001, .permanent, .none),
        (100, .permanent, .none),
        (131008, .permanent, .none),
        (131009, .permanent, .none),
        (190, .misconfigured(key: "channels.whatsapp.access_token"), .alertToken),
        (131000, .retry(after: nil), .none),
        (368, .rateLimited(after: .seconds(900)), .alertAccount),
        (10, .misconfigured(key: "channels.whatsapp.access_token"), .none),
        (0, .misconfigured(key: "channels.whatsapp.access_token"), .none),
        (3, .misconfigured(key: "channels.whatsapp.access_token"), .none),
        (200, .misconfigured(key: "channels.whatsapp.access_token"), .none),
        (299, .misconfigured(key: "channels.whatsapp.access_token"), .none),
    ])
    func table(code: Int, disposition: DeliveryDisposition, action: WhatsAppFailure.Action) throws {
        for status in [400, 429, 500] {
            let f = try #require(Self.classify(code, status: status))
            #expect(f.error.disposition == disposition && f.action == action && f.error.code == "\(code)", "\(code)/\(status): \(f)")
            #expect(f.error.provider == "whatsapp")
        }
    }

    @Test func configurationErrorsSayWhatToFix() throws {
        #expect(try #require(Self.classify(132000)).error.detail.contains("whatsapp.body"))
        #expect(try #require(Self.classify(132001)).error.detail.contains("whatsapp.name and whatsapp.language"))
        #expect(try #require(Self.classify(100)).error.detail.contains("configuration error"))
        let f = try #require(Self.classify(131026))
        #expect(f.error.detail.contains("fbtrace_id Atrace") && f.error.detail.contains("more"))
    }

    /// A refused token or a rejected certificate will fail every send the same way: the worker
    /// pauses the channel (`.misconfigured`) naming the key to fix.
    @Test func configurationFaultsNameTheKey() throws {
        func send(_ result: CurlResult) -> WhatsAppFailure? {
            guard case .failure(let f) = WhatsAppResultClassifier.classifySend(result, now: Self.now) else { return nil }
            return f
        }
        let token = try #require(Self.classify(190, status: 401))
        #expect(token.error.detail.contains("renew channels.whatsapp.access_token"))
        let bare401 = try #require(send(CurlResult(curlCode: 0, responseCode: 401, body: Array("Unauthorized".utf8))))
        #expect(bare401.error.disposition == .misconfigured(key: "channels.whatsapp.access_token") && bare401.action == .alertToken)
        let cases: [(Int, String, String)] = [
            (60, "SSL certificate problem: self-signed certificate", "channels.whatsapp.ca_file"),
            (60, "SSL certificate problem: certificate has expired", "channels.whatsapp.ca_file"),
            (60, "SSL: no alternative certificate subject name matches target host name '127.0.0.1'", "channels.whatsapp.api_base"),
            (77, "error setting certificate file: ca.pem", "channels.whatsapp.ca_file"),
        ]
        for (curl, text, key) in cases {
            let f = try #require(send(CurlResult(curlCode: curl, curlError: text)))
            #expect(f.error.disposition == .misconfigured(key: key), "\(text)")
            #expect(f.error.code == "curl:\(curl)" && f.error.detail.contains(text))
            guard case .failure(let upload) = WhatsAppResultClassifier.classifyUpload(CurlResult(curlCode: curl, curlError: text), now: Self.now) else {
                Issue.record("upload accepted")
                continue
            }
            #expect(upload.error.disposition == .misconfigured(key: key))
        }
        // A 403 without a Graph envelope (a proxy) keeps its classification.
        #expect(try #require(send(CurlResult(curlCode: 0, responseCode: 403))).error.disposition == .permanent)
    }

    @Test func retryAfterIsHonouredForThrottling() throws {
        let r = Self.graphError(130429, status: 429, headers: [CurlHeader("Retry-After", "7")])
        guard case .failure(let f) = WhatsAppResultClassifier.classifySend(r, now: Self.now) else { Issue.record("accepted"); return }
        #expect(f.error.disposition == .rateLimited(after: .seconds(7)))
    }

    @Test func successStoresTheWamid() throws {
        let body = #"{"messaging_product":"whatsapp","contacts":[{"input":"+6281","wa_id":"6281"}],"messages":[{"id":"wamid.ABC","message_status":"accepted"}]}"#
        let accepted = try WhatsAppResultClassifier.classifySend(CurlResult(curlCode: 0, responseCode: 200, body: Array(body.utf8)), now: Self.now).get()
        #expect(accepted.wamid == "wamid.ABC" && accepted.status == "accepted")
        guard case .failure(let f) = WhatsAppResultClassifier.classifySend(CurlResult(curlCode: 0, responseCode: 200, body: Array("{}".utf8)), now: Self.now)
        else { Issue.record("accepted without id"); return }
        #expect(f.error.disposition == .retry(after: nil))
        guard case .failure(let t) = WhatsAppResultClassifier.classifySend(CurlResult(curlCode: 7, curlError: "Couldn't connect"), now: Self.now)
        else { Issue.record("accepted a refused connection"); return }
        #expect(t.error.code == "curl:7" && t.error.disposition == .retry(after: nil))
        guard case .failure(let proxy) = WhatsAppResultClassifier.classifySend(CurlResult(curlCode: 0, responseCode: 502, body: Array("<html>".utf8)), now: Self.now)
        else { Issue.record("accepted a 502"); return }
        #expect(proxy.error.disposition == .retry(after: nil))
    }

    @Test func templateBodyHasTheOfficialShape() throws {
        let template = WhatsAppTemplateMessage(
            name: "reward_voucher", languageCode: "id", header: .qrImage, body: ["Ana", "Rp 50.000"],
            buttons: [.init(index: 1, kind: .quickReply("STOP")), .init(index: 0, kind: .url("RW-7Q2K"))])
        let json = WhatsAppRequestBuilder.template(to: "+6281234567890", template, image: .link("https://r.example/v1/qr/t.png"))
        let text = try json.jsonText()
        #expect(text == #"{"messaging_product":"whatsapp","recipient_type":"individual","template":{"components":[{"parameters":[{"image":{"link":"https://r.example/v1/qr/t.png"},"type":"image"}],"type":"header"},{"parameters":[{"text":"Ana","type":"text"},{"text":"Rp 50.000","type":"text"}],"type":"body"},{"index":"0","parameters":[{"text":"RW-7Q2K","type":"text"}],"sub_type":"url","type":"button"},{"index":"1","parameters":[{"payload":"STOP","type":"payload"}],"sub_type":"quick_reply","type":"button"}],"language":{"code":"id","policy":"deterministic"},"name":"reward_voucher"},"to":"6281234567890","type":"template"}"#)
        let byID = try WhatsAppRequestBuilder.template(to: "+1555", WhatsAppTemplateMessage(name: "x", languageCode: "en", header: .qrImage), image: .id("42")).jsonText()
        #expect(byID.contains(#"{"image":{"id":"42"},"type":"image"}"#))
        let plain = try WhatsAppRequestBuilder.text(to: "+6281", body: "Hi \"Ana\"\n😀").jsonText()
        #expect(plain == #"{"messaging_product":"whatsapp","recipient_type":"individual","text":{"body":"Hi \"Ana\"\n😀","preview_url":false},"to":"6281","type":"text"}"#)
    }

    @Test func mediaUploadIsMultipart() {
        let (body, type) = WhatsAppRequestBuilder.mediaUpload(png: [0x89, 0x50, 0x4E, 0x47], boundary: "b0")
        #expect(type == "multipart/form-data; boundary=b0")
        let text = String(decoding: body, as: UTF8.self)
        #expect(text.contains("name=\"messaging_product\"\r\n\r\nwhatsapp\r\n") && text.contains("filename=\"qr.png\"\r\nContent-Type: image/png"))
        #expect(text.hasSuffix("\r\n--b0--\r\n"))
    }

    @Test func signatureIsHMACSHA256OfTheRawBody() {
        let body = Array(#"{"object":"whatsapp_business_account","entry":[{"x":"\u00e9"}]}"#.utf8)
        let header = WhatsAppSignature.header(body: body, appSecret: "s3cret")
        #expect(header.hasPrefix("sha256=") && header.count == 7 + 64)
        #expect(WhatsAppSignature.isValid(header: header, body: body, appSecret: "s3cret"))
        #expect(WhatsAppSignature.isValid(header: header.uppercased().replacingOccurrences(of: "SHA256=", with: "sha256="), body: body, appSecret: "s3cret"))
        #expect(!WhatsAppSignature.isValid(header: header, body: body + [0x20], appSecret: "s3cret"))
        #expect(!WhatsAppSignature.isValid(header: header, body: body, appSecret: "other"))
        #expect(!WhatsAppSignature.isValid(header: nil, body: body, appSecret: "s3cret"))
        #expect(!WhatsAppSignature.isValid(header: String(header.dropFirst(7)), body: body, appSecret: "s3cret"))
        #expect(!WhatsAppSignature.isValid(header: header, body: body, appSecret: ""))
    }

    @Test func webhookPayloadYieldsStatusesAndInbound() throws {
        let body = #"""
            {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{
              "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
              "statuses":[{"id":"wamid.A","status":"delivered","timestamp":"1750857384","recipient_id":"6281234567890"},
                          {"id":"wamid.B","status":"failed","timestamp":"1750857385","recipient_id":"6281",
                           "errors":[{"code":131026,"title":"Message undeliverable","message":"Message undeliverable"}]},
                          {"id":"wamid.C","status":"deleted","timestamp":"1750857386"}],
              "messages":[{"from":"6281234567890","id":"wamid.in","timestamp":"1750857000","type":"text","text":{"body":"STOP"}}]}},
              {"field":"message_template_status_update","value":{}}]}]}
            """#
        let p = try WhatsAppWebhookPayload.parse(Array(body.utf8))
        #expect(p.statuses.map(\.state) == [.delivered, .failed, nil])
        #expect(p.statuses[1].errorCode == 131026 && p.statuses[1].errorText == "Message undeliverable")
        #expect(p.statuses[0].occurredAt == Date(timeIntervalSince1970: 1_750_857_384))
        #expect(p.messages == [.init(from: "+6281234567890", occurredAt: Date(timeIntervalSince1970: 1_750_857_000), text: "STOP")])
        #expect(throws: WebhookRejection.self) { try WhatsAppWebhookPayload.parse(Array("nope".utf8)) }
        #expect(throws: WebhookRejection.self) { try WhatsAppWebhookPayload.parse(Array(#"{"object":"page"}"#.utf8)) }
    }

    @Test func windowChoosesTextOnlyWhileOpen() {
        let t = WhatsAppTemplateMessage(name: "x", languageCode: "en")
        let now = Self.now
        #expect(WhatsAppWindow.plan(template: t, text: "hi", lastInbound: now.addingTimeInterval(-3600), now: now) == .text("hi"))
        #expect(WhatsAppWindow.plan(template: t, text: "hi", lastInbound: now.addingTimeInterval(-25 * 3600), now: now) == .template(t))
        #expect(WhatsAppWindow.plan(template: t, text: "hi", lastInbound: nil, now: now) == .template(t))
        #expect(WhatsAppWindow.plan(template: t, text: nil, lastInbound: now, now: now) == .template(t))
        guard case .refuse(let reason) = WhatsAppWindow.plan(template: nil, text: "hi", lastInbound: nil, now: now) else {
            Issue.record("free text sent outside the window")
            return
        }
        #expect(reason.contains("whatsapp:"))
    }

    @Test func pacerHoldsOneRecipientOnly() {
        var pacer = WhatsAppRecipientPacer(capacity: 2)
        let now = Self.now
        pacer.hold("+1", until: now.addingTimeInterval(6), now: now)
        #expect(pacer.wait(for: "+1", now: now) == 6)
        #expect(pacer.wait(for: "+2", now: now) == nil)
        #expect(pacer.wait(for: "+1", now: now.addingTimeInterval(6)) == nil)
        #expect(pacer.count == 0)
        for i in 0..<5 { pacer.hold("+\(i)", until: now.addingTimeInterval(Double(10 + i)), now: now) }
        #expect(pacer.count <= 2)
    }

    @Test func throttleBacksOffForTheWholeChannel() {
        let throttle = WhatsAppThrottle(ratePerSecond: 80, now: Self.now)
        #expect(throttle.admit(recipient: "+1", now: Self.now, maxWait: 1) == .go(wait: 0))
        throttle.backOff(now: Self.now, retryAfter: 5)
        #expect(throttle.currentRate(now: Self.now) == 40)
        guard case .channelBusy(let after) = throttle.admit(recipient: "+2", now: Self.now, maxWait: 1) else {
            Issue.record("not paused")
            return
        }
        #expect(after >= 5)
        throttle.hold("+3", until: Self.now.addingTimeInterval(6), now: Self.now)
        // Held for 6 s (checked before the paused bucket), then free: a pacer that never held or
        // never released fails one of the two.
        #expect(throttle.admit(recipient: "+3", now: Self.now, maxWait: 1) == .recipientHeld(after: 6))
        if case .recipientHeld = throttle.admit(recipient: "+3", now: Self.now.addingTimeInterval(10), maxWait: 1) {
            Issue.record("the recipient hold did not expire")
        }
    }
}
