import AccoladeChannels
import AccoladeCore
import AccoladeTestSupport
import Foundation
import Logging
import Testing

@Suite struct InboxChannelTests {
    static let logger: Logger = {
        var logger = Logger(label: "accolade.test.inbox")
        logger.logLevel = .warning
        return logger
    }()

    static func request(
        _ item: RenderedInbox, id: String? = "crm-10492", messageID: String = "019a-msg-1"
    ) -> DeliveryRequest {
        DeliveryRequest(
            deliveryID: "019a-del-1", messageID: messageID, attempt: 1, recipient: Recipient(name: "Ana", id: id),
            content: .inbox(item), createdAt: Date(timeIntervalSince1970: 1_795_464_000))
    }

    static let item = RenderedInbox(
        title: "🎉 You earned a Rp50.000 voucher", body: "Kudos: code RW-7Q2K", url: "https://rewards.example.com/r/RW-7Q2K",
        locale: "id")

    @Test("the address is the recipient's id, checked with InboxRecipientKey")
    func address() throws {
        let channel = InboxChannel(artifacts: nil, logger: Self.logger)
        for good in ["crm-10492", "x", "Ana Putri", String(repeating: "é", count: 255)] {
            #expect(throws: Never.self) { try channel.validate(recipient: Recipient(id: good)) }
        }
        for (bad, words) in [
            (nil, "needs the recipient's id"), ("", "must not be empty"), ("a\nb", "control characters"),
            ("tab\there", "control characters"), (String(repeating: "a", count: 256), "at most 255"),
        ] as [(String?, String)] {
            let error = #expect(throws: ValidationError.self) { try channel.validate(recipient: Recipient(email: "a@example.com", id: bad)) }
            #expect(error?.field == "to.id")
            #expect(error?.reason.contains(words) == true, "\(String(describing: bad)): \(error?.reason ?? "")")
        }
    }

    @Test("action links must be absolute http(s) URLs with a host")
    func actionURL() {
        for good in ["https://rewards.example.com/r/RW-7Q2K", "http://127.0.0.1:8080/x?a=1&b=%20", "HTTPS://EXAMPLE.COM"] {
            #expect(InboxActionURL.problem(with: good) == nil, "\(good)")
        }
        for bad in [
            "javascript:alert(1)", "data:text/html,hi", "ftp://example.com/x", "/relative/path", "example.com", "https://",
            "https://a b.example", "https://user:pw@example.com/", "https://example.com/\n", "https://example.com/" + String(repeating: "a", count: 2048),
        ] {
            #expect(InboxActionURL.problem(with: bad) != nil, "\(bad)")
        }
    }

    @Test("send-time content check: empty title and a bad link are refused, naming the part")
    func content() throws {
        let channel = InboxChannel(artifacts: nil, logger: Self.logger)
        try channel.validate(content: .inbox(Self.item))
        try channel.validate(content: .inbox(RenderedInbox(title: "T", locale: "en")))
        let empty = #expect(throws: ValidationError.self) { try channel.validate(content: .inbox(RenderedInbox(title: "", locale: "en"))) }
        #expect(empty?.reason.contains("inbox.title") == true)
        let link = #expect(throws: ValidationError.self) {
            try channel.validate(content: .inbox(RenderedInbox(title: "T", url: "javascript:alert(1)", locale: "en")))
        }
        #expect(link?.reason.contains("inbox.url") == true)
    }

    @Test("deliver returns the item to write and writes nothing itself")
    func deliverWithoutQR() async throws {
        let channel = InboxChannel(artifacts: nil, logger: Self.logger)
        let receipt = try await channel.deliver(Self.request(Self.item))
        #expect(receipt.provider == "inbox")
        let draft = try #require(receipt.inboxItem)
        #expect(receipt.providerMessageID == draft.id)
        #expect(draft.recipientKey == "crm-10492")
        #expect(draft.title == Self.item.title)
        #expect(draft.body == Self.item.body)
        #expect(draft.url == Self.item.url)
        #expect(draft.locale == "id")
        #expect(draft.imageToken == nil)
        // Each attempt names a new item id; the store keeps one item per delivery regardless.
        let again = try await channel.deliver(Self.request(Self.item))
        #expect(again.inboxItem?.id != draft.id)
    }

    @Test("a stored message whose id or content went bad fails permanently, never writing a broken item")
    func deliverRefusesBadStoredMessages() async throws {
        let channel = InboxChannel(artifacts: nil, logger: Self.logger)
        for request in [
            Self.request(Self.item, id: nil), Self.request(Self.item, id: "a\u{0}b"),
            Self.request(RenderedInbox(title: "T", url: "ftp://x", locale: "en")),
            DeliveryRequest(deliveryID: "d", messageID: "m", attempt: 1, recipient: Recipient(id: "x"), content: .sms(text: "hi"), createdAt: Date()),
        ] {
            let error = await #expect(throws: DeliveryError.self) { try await channel.deliver(request) }
            #expect(error?.disposition == .permanent)
        }
    }

    @Test("with a QR part the delivery draws the code into the QR channel's artifact, so the image exists with the item")
    func deliverDrawsQR() async throws {
        let directory = try TemporaryDirectory()
        let artifacts = try QRArtifacts(config: QRChannelConfig(directory: directory.path, scale: 4), publicURL: "https://accolade.example.com")
        let channel = InboxChannel(artifacts: artifacts, logger: Self.logger)
        var item = Self.item
        item.qrPayload = "https://rewards.example.com/r/RW-7Q2K"
        let receipt = try await channel.deliver(Self.request(item, messageID: "019a-msg-qr"))
        let token = try #require(receipt.inboxItem?.imageToken)
        #expect(token == artifacts.token(messageID: "019a-msg-qr"))
        let store = QRImageStore(directory: directory.path)
        let png = try #require(store.file(token: token, format: .png))
        #expect(store.file(token: token, format: .svg) != nil)
        // The same file the QR channel serves for this message: same token, same bytes.
        let qr = try await QRChannel(artifacts: artifacts, logger: Self.logger).deliver(DeliveryRequest(
            deliveryID: "019a-del-2", messageID: "019a-msg-qr", attempt: 1, recipient: Recipient(), content: .qr(payload: item.qrPayload!),
            createdAt: Date()))
        #expect(qr.providerMessageID == artifacts.url(token: token, format: .png))
        if QRScan.hasZbar { #expect(try QRScan.decode(file: png) == Array(item.qrPayload!.utf8)) }
        // A payload too large to draw is refused at send time.
        let huge = RenderedInbox(title: "T", qrPayload: String(repeating: "x", count: 5000), locale: "en")
        #expect(throws: ValidationError.self) { try channel.validate(content: .inbox(huge)) }
    }
}

/// Whatever the data-side link rule (``InboxLinkPattern``, also the OpenAPI `pattern`) lets
/// through passes the channel's check of the rendered link, so a schema-valid request is never
/// refused for its link afterwards.
@Suite struct InboxLinkRuleAgreementTests {
    @Test func everyLinkThePatternAcceptsTheChannelAccepts() {
        var generator = SeededRandom(state: 20261206)
        let alphabet = Array("abcXYZ019._~!$&'()*+,;=:@/?-%#")
        var checked = 0
        for _ in 0..<20_000 {
            let length = Int.random(in: 0...24, using: &generator)
            let tail = String((0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
            for candidate in ["https://x.example.com" + tail, "http://127.0.0.1:8080/" + tail] where InboxLinkPattern.matches(candidate) {
                #expect(InboxActionURL.problem(with: candidate) == nil, "\(candidate)")
                checked += 1
            }
        }
        #expect(checked > 1_000)
    }
}
