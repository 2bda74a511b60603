import AccoladeChannels
import AccoladeCore
import AccoladeCurl
import AccoladeTestSupport
import Foundation
import Testing

/// The SMS channel against a real Kannel (bearerbox + smsbox + fakesmsc) on 127.0.0.1, with the
/// DLR callbacks going to a local capture server. Skipped only when the Kannel binaries are absent.
@Suite(.serialized, .enabled(if: KannelTestCluster.binariesPresent, "Kannel binaries absent: apt-get install kannel kannel-extras"))
final class SMSKannelIntegrationTests {
    let kannel: KannelTestCluster
    let directory: TemporaryDirectory
    let capture: TestServer
    let driver = CurlMultiDriver()
    let provider: KannelSMSProvider
    let channel: SMSChannel

    init() throws {
        kannel = try KannelTestCluster()
        directory = try TemporaryDirectory()
        capture = try TestServer.python("sms_webhook_capture.py", ["--out", directory.url.appendingPathComponent("dlr.jsonl").path])
        let config = KannelProviderConfig(sendsmsURL: kannel.sendsmsURL, username: kannel.username, password: kannel.password, from: "12345")
        provider = KannelSMSProvider(name: "gateway", config: config, publicURL: "http://127.0.0.1:\(capture.port)", driver: driver, timeout: .seconds(30))
        channel = try SMSChannel(providers: [.init(provider)], logger: SMSFixtures.logger)
    }

    deinit {
        capture.stop()
        kannel.stop()
        let driver = driver
        Task { await driver.shutdown() }
    }

    struct Callback: Decodable {
        let method: String
        let path: String
        let query: [String: [String]]
    }

    func callbacks() throws -> [Callback] {
        guard let text = try? String(contentsOf: directory.url.appendingPathComponent("dlr.jsonl"), encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { try JSONDecoder().decode(Callback.self, from: Data($0.utf8)) }
    }

    /// Sends `text` and returns what fakesmsc received for it, decoded.
    func roundTrip(_ text: String, id: String, ucs2: Bool) async throws -> (DeliveryReceipt, [String], Int) {
        let before = kannel.received().count
        let receipt = try await channel.deliver(SMSFixtures.request(to: "+15551234567", text: text, id: id))
        let parts = SMSAnalysis(text).segments
        let all = try await kannel.waitForMessages(before + parts)
        let mine = Array(all.dropFirst(before))
        #expect(mine.allSatisfy { $0.from == "12345" && $0.to == "+15551234567" })
        return (receipt, FakeSMSCMessage.texts(mine, ucs2Parts: ucs2), mine.count)
    }

    @Test func gsmExtensionUnicodeAndLongTextsArriveExactly() async throws {
        let gsm = "Selamat, Ana! Voucher Rp 50.000 untuk Anda. Kode: RW-7Q2K @ £5 è é ñ ü ß Ä Ö Ü § ¿ ¡ Δ Ω _ !?#%&*()+-=/:;<>"
        let (receipt, texts, parts) = try await roundTrip(gsm, id: "d-gsm", ucs2: false)
        #expect(receipt.code == "202" && receipt.detail == "0: Accepted for delivery" && receipt.provider == "gateway")
        #expect(texts == [gsm] && parts == 1)

        let extensions = "Gutschein über 50,00 € [RW-7Q2K] {ok} ~ ^ | \\ fertig"
        #expect(SMSAnalysis(extensions).encoding == .gsm7)
        #expect(try await roundTrip(extensions, id: "d-ext", ucs2: false).1 == [extensions])

        let unicode = "Terima kasih, Ana! Hadiah Anda: Rp 50.000 🎉 — Glückwunsch, Jürgen: Grüße aus Köln 😀👍"
        #expect(SMSAnalysis(unicode).encoding == .ucs2)
        let (_, unicodeTexts, unicodeParts) = try await roundTrip(unicode, id: "d-ucs2", ucs2: true)
        #expect(unicodeTexts == [unicode])
        #expect(unicodeParts == SMSAnalysis(unicode).segments)

        let long = String((0..<50).map { "Poin \($0 % 10) € " }.joined().prefix(400))
        #expect(long.count == 400)
        let analysis = SMSAnalysis(long)
        #expect(analysis.encoding == .gsm7 && analysis.segments == 3)
        let (_, longTexts, longParts) = try await roundTrip(long, id: "d-long", ucs2: false)
        #expect(longTexts == [long])
        #expect(longParts == 3)
    }

    @Test func deliveryReportsComeBackWithTheTokenAndEndDelivered() async throws {
        _ = try await channel.deliver(SMSFixtures.request(to: "+15551234567", text: "DLR test", id: "0190f3a2-7b1c-7d2e-8f00-123456789abc"))
        let deadline = ContinuousClock.now + .seconds(20)
        var received: [Callback] = []
        while ContinuousClock.now < deadline {
            received = try callbacks()
            if received.count >= 2 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        try #require(received.count >= 2, "Kannel did not call the dlr-url twice: \(received)")
        #expect(received.allSatisfy { $0.method == "GET" && $0.path == "/v1/webhooks/kannel/dlr" })
        var state = DeliveryState.sent
        var events: [ReceiptEvent] = []
        for callback in received {
            let query = callback.query.flatMap { name, values in values.map { (name, $0) } }
            let event = try KannelDLR.parse(query: query, tokens: provider.tokens)
            #expect(event.reference == .deliveryID("0190f3a2-7b1c-7d2e-8f00-123456789abc"))
            events.append(event)
            state = DeliveryStateMachine.applyReceipt(event.state, to: state) ?? state
        }
        // fakesmsc acknowledges (8, "ACK/") and reports delivery to the phone (1); Kannel may send the
        // two callbacks concurrently, so they can arrive in either order — receipts are monotonic.
        #expect(events.map(\.rawStatus).sorted() == ["1", "8"])
        #expect(state == .delivered)
        // A DLR with a forged token is refused.
        let forged = received[0].query.flatMap { name, values in values.map { (name, name == "token" ? "0190f3a2-7b1c-7d2e-8f00-123456789abd." + $0.split(separator: ".").last! : $0) } }
        #expect(throws: WebhookRejection.self) { try KannelDLR.parse(query: forged, tokens: provider.tokens) }
    }

    /// Sends `text` and checks what fakesmsc got: as many parts as `preview` counts, each part
    /// whole on its own (no lone surrogate at either end of a UCS-2 part), rejoining to `text`.
    func checkParts(_ text: String, id: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let analysis = SMSAnalysis(text)
        let before = kannel.received().count
        _ = try await channel.deliver(SMSFixtures.request(to: "+15551234567", text: text, id: id))
        let mine = Array(try await kannel.waitForMessages(before + analysis.segments).dropFirst(before))
        #expect(mine.count == analysis.segments, "\(id): parts received", sourceLocation: sourceLocation)
        #expect(FakeSMSCMessage.texts(mine, ucs2Parts: analysis.encoding == .ucs2) == [text], "\(id): reassembled", sourceLocation: sourceLocation)
        for message in mine {
            guard case .part(let ref, let total, _, let data) = message.body else { continue }
            #expect(ref == SMSConcatenationHeader.reference(forDelivery: id) && Int(total) == analysis.segments, sourceLocation: sourceLocation)
            if analysis.encoding == .ucs2 {
                #expect(data.count % 2 == 0 && data.count <= 134, sourceLocation: sourceLocation)
                let units = stride(from: 0, to: data.count, by: 2).map { UInt16(data[$0]) << 8 | UInt16(data[$0 + 1]) }
                #expect(!UTF16.isTrailSurrogate(units.first!) && !UTF16.isLeadSurrogate(units.last!), "\(id): half a pair", sourceLocation: sourceLocation)
            } else {
                let part = String(decoding: data, as: UTF8.self)
                #expect(SMSAnalysis(part).units <= 153, "\(id): part over 153 septets", sourceLocation: sourceLocation)
            }
        }
    }

    @Test func emojiAtEveryPositionAroundAPartBoundaryArrivesWhole() async throws {
        for boundary in [67, 134, 201] {
            for position in (boundary - 3)...(boundary + 1) {
                for emoji in ["😀", "👍🏽"] {
                    let text = String(repeating: "á", count: position) + emoji + " selamat"
                    try await checkParts(text, id: "d-u\(boundary)-\(position)-\(emoji.utf16.count)")
                }
            }
        }
    }

    @Test func gsmExtensionCharactersAtAPartBoundaryArriveWhole() async throws {
        for boundary in [153, 306] {
            for position in (boundary - 2)...(boundary + 1) {
                for character in ["€", "[", "}", "~"] {
                    let text = String(repeating: "x", count: position) + character + character + " Kode RW-7Q2K"
                    try await checkParts(text, id: "d-g\(boundary)-\(position)-\(character.unicodeScalars.first!.value)")
                }
            }
        }
        try await checkParts(String(repeating: "y", count: 306), id: "d-g306")
        try await checkParts(String(repeating: "y", count: 160), id: "d-g160")
    }

    @Test func everyPartReportsAndTheDeliveryIsDeliveredWhenAllAre() async throws {
        let id = "0190f3a2-7b1c-7d2e-8f00-00000000beef"
        let text = String(repeating: "á", count: 66) + "😀" + String(repeating: "é", count: 70)
        #expect(SMSAnalysis(text).segments == 3)
        _ = try await channel.deliver(SMSFixtures.request(to: "+15551234567", text: text, id: id))
        let deadline = ContinuousClock.now + .seconds(20)
        var received: [Callback] = []
        while ContinuousClock.now < deadline {
            received = try callbacks().filter { $0.query["token"]?.first?.hasPrefix(id) == true }
            if received.count >= 6 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        try #require(received.count >= 6, "Kannel did not report on every part: \(received.map(\.query))")
        var parts = PartReceipts(count: 3)
        var seen: Set<String> = []
        for callback in received {
            let event = try KannelDLR.parse(query: callback.query.flatMap { name, values in values.map { (name, $0) } }, tokens: provider.tokens)
            let part = try #require(event.part)
            #expect(event.reference == .deliveryID(id) && part.count == 3)
            seen.insert(event.deduplicationKey)
            parts.record(part: part.index, state: event.state)
        }
        #expect(seen.count == 6, "one report per part and status, each its own receipt")
        #expect(parts.state == .delivered)
        // A report moved to another part fails the token check.
        let moved = received[0].query.flatMap { name, values in values.map { (name, name == "part" ? ($0 == "1" ? "2" : "1") : $0) } }
        #expect(throws: WebhookRejection.self) { try KannelDLR.parse(query: moved, tokens: provider.tokens) }
    }

    @Test func withTheSMSCDownKannelQueuesAndNothingIsLost() async throws {
        try kannel.stopSMSC()
        let before = kannel.received().count
        var receipts: [DeliveryReceipt] = []
        for i in 0..<3 {
            receipts.append(try await channel.deliver(SMSFixtures.request(to: "+15551234567", text: "Queued reward \(i)", id: "d-q\(i)")))
        }
        #expect(receipts.allSatisfy { $0.code == "202" && $0.detail == "queued: 3: Queued for later delivery" })
        #expect(kannel.received().count == before)
        try kannel.startSMSC()
        let all = try await kannel.waitForMessages(before + 3)
        #expect(FakeSMSCMessage.texts(Array(all.dropFirst(before))).sorted() == ["Queued reward 0", "Queued reward 1", "Queued reward 2"])
    }

    @Test func wrongCredentialsAreAConfigurationErrorNamingTheFix() async throws {
        let bad = KannelSMSProvider(
            name: "gateway", config: KannelProviderConfig(sendsmsURL: kannel.sendsmsURL, username: kannel.username, password: "nope"),
            publicURL: "http://127.0.0.1:\(capture.port)", driver: driver)
        guard case .failure(let failure) = await bad.send(SMSOutgoing(deliveryID: "d", to: "+15551234567", text: "x")) else {
            Issue.record("wrong password accepted")
            return
        }
        #expect(failure.error.code == "403" && failure.error.disposition == .misconfigured(key: "channels.sms.providers[gateway].password") && failure.scope == .provider)
        #expect(!failure.error.description.contains("nope"))
    }
}
