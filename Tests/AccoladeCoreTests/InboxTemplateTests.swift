import AccoladeTestSupport
import Foundation
import Testing

@testable import AccoladeCore

/// The inbox template parts and the `sent` outcome that carries an inbox item (pure, no I/O).
@Suite("Inbox: template parts and the sent outcome")
struct InboxTemplateTests {
    static let recipient = Recipient(name: "Ana", locale: "en", id: "crm-10492")

    @Test("title, body and link render as plain text; an empty optional part is absent")
    func renders() throws {
        let fixture = try TemplateFixture(files: [
            "inbox.title.mustache": "🎉 {{name}} & co <b>\n",
            "inbox.body.mustache": "\n  Line one\nLine two  \n",
            "inbox.url.mustache": "{{#url}}{{url}}{{/url}}",
        ])
        defer { fixture.remove() }
        let library = try fixture.library()
        #expect(library.info("t")?.channels == [.inbox])
        let full = try library.render(
            template: "t", channel: .inbox, locale: nil, data: json(#"{"name": "Ana", "url": "https://x.example/r?a=1&b=2"}"#),
            recipient: Self.recipient)
        #expect(full == .inbox(RenderedInbox(
            title: "🎉 Ana & co <b>", body: "Line one\nLine two", url: "https://x.example/r?a=1&b=2", qrPayload: nil, locale: "en")))
        let bare = try library.render(template: "t", channel: .inbox, locale: nil, data: json(#"{"name": "Ana"}"#), recipient: Self.recipient)
        guard case .inbox(let item) = bare else { Issue.record("not inbox: \(bare)"); return }
        #expect(item.url == nil)
    }

    @Test("only the title is required; body or link without a title is refused at load")
    func titleRequired() throws {
        let titleOnly = try TemplateFixture(files: ["inbox.title.mustache": "Hi"])
        defer { titleOnly.remove() }
        #expect(try titleOnly.library().info("t")?.channels == [.inbox])
        let noTitle = try TemplateFixture(files: ["sms.txt.mustache": "Hi", "inbox.body.mustache": "Body"])
        defer { noTitle.remove() }
        let error = try #require(noTitle.loadError())
        #expect("\(error)".contains("inbox is incomplete — add inbox.title.mustache"))
    }

    @Test("a title that renders to several lines is refused")
    func multilineTitle() throws {
        let fixture = try TemplateFixture(files: ["inbox.title.mustache": "{{name}}"])
        defer { fixture.remove() }
        #expect(throws: TemplateError.self) {
            try fixture.library().render(
                template: "t", channel: .inbox, locale: nil, data: json(#"{"name": "a\nb"}"#), recipient: Self.recipient)
        }
    }

    @Test("a template with a QR part gives the inbox item its payload")
    func qrPayload() throws {
        let library = try TemplateLibrary(directory: shippedTemplatesDirectory)
        let info = try #require(library.info("reward-voucher"))
        let content = try library.render(
            template: "reward-voucher", channel: .inbox, locale: "id", data: info.sample.data, recipient: info.sample.recipient)
        guard case .inbox(let item) = content else { Issue.record("not inbox: \(content)"); return }
        #expect(item.qrPayload == "https://rewards.example.com/r/RW-7Q2K")
        #expect(item.url == "https://rewards.example.com/r/RW-7Q2K")
        #expect(item.locale == "id")
        #expect(item.title.hasPrefix("🎁 Voucher "))
    }

    @Test("every shipped template has inbox parts in every one of its locales")
    func shippedLocales() throws {
        let library = try TemplateLibrary(directory: shippedTemplatesDirectory)
        for info in library.infos {
            #expect(info.channels.contains(.inbox), "\(info.name)")
            var titles: Set<String> = []
            for locale in info.locales {
                var recipient = info.sample.recipient
                recipient.locale = locale
                let content = try library.render(
                    template: info.name, channel: .inbox, locale: locale, data: info.sample.data, recipient: recipient)
                guard case .inbox(let item) = content else { Issue.record("not inbox: \(content)"); continue }
                #expect(item.locale == locale, "\(info.name) \(locale)")
                #expect(item.body != nil, "\(info.name) \(locale)")
                titles.insert(item.title)
                let folder = shippedTemplatesDirectory + "/" + info.name + (locale == info.locales[0] ? "" : "/" + locale)
                #expect(FileManager.default.fileExists(atPath: folder + "/inbox.title.mustache"), "\(folder)")
                #expect(FileManager.default.fileExists(atPath: folder + "/inbox.body.mustache"), "\(folder)")
            }
            #expect(titles.count == info.locales.count, "\(info.name): one title per locale, translated")
        }
    }

    @Test("inbox parts make no optional variable required: without the link variable the item has no link")
    func optionalLinks() throws {
        let library = try TemplateLibrary(directory: shippedTemplatesDirectory)
        for (template, path) in [("reward-earned", ["reward", "redeem_url"]), ("milestone-reached", ["progress_url"])] {
            let info = try #require(library.info(template))
            guard case .object(var data) = info.sample.data else { Issue.record("sample"); continue }
            if path.count == 2, case .object(var inner)? = data[path[0]] {
                inner[path[1]] = nil
                data[path[0]] = .object(inner)
            } else {
                data[path[0]] = nil
            }
            try library.validateData(template: template, data: .object(data))
            let content = try library.render(
                template: template, channel: .inbox, locale: nil, data: .object(data), recipient: info.sample.recipient)
            guard case .inbox(let item) = content else { Issue.record("not inbox"); continue }
            #expect(item.url == nil, "\(template)")
        }
    }

    @Test("a sent outcome carries the channel's item; other outcomes and channels carry none")
    func sentCarriesItem() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let message = Message(
            id: "m1", template: "reward-earned", locale: "id", recipient: Self.recipient, data: .object([:]),
            route: Route(channels: [.email, .inbox], mode: .fallback), idempotencyKey: nil, fingerprint: "f", createdAt: now)
        let claimed = ClaimedDelivery(
            delivery: Delivery(
                id: "d1", messageID: "m1", channel: .inbox, position: 1, state: .running, attempts: 0, nextAttemptAt: now,
                leaseOwner: "w", updatedAt: now),
            message: message)
        let draft = InboxItemDraft(id: "item-1", recipientKey: "crm-10492", title: "T", body: "B", url: nil, imageToken: "tok", locale: "id")
        var rng = SeededRandom(state: 1)
        let sent = DeliveryStateMachine.decide(
            claimed, result: .sent(DeliveryReceipt(provider: "inbox", providerMessageID: "item-1", inboxItem: draft), startedAt: now),
            owner: "w", policy: RetryPolicy(), now: now, using: &rng)
        #expect(sent.state == .sent)
        #expect(sent.providerMessageID == "item-1")
        #expect(sent.inboxItem == NewInboxItem(
            id: "item-1", recipientKey: "crm-10492", deliveryID: "d1", messageID: "m1", template: "reward-earned", locale: "id",
            title: "T", body: "B", url: nil, imageToken: "tok", createdAt: now))
        let failed = DeliveryStateMachine.decide(
            claimed, result: .failed(DeliveryError(disposition: .permanent, provider: "inbox", detail: "x"), startedAt: now),
            owner: "w", policy: RetryPolicy(), now: now, using: &rng)
        #expect(failed.inboxItem == nil)
        let plain = DeliveryStateMachine.decide(
            claimed, result: .sent(DeliveryReceipt(provider: "smtp"), startedAt: now), owner: "w", policy: RetryPolicy(), now: now,
            using: &rng)
        #expect(plain.inboxItem == nil)
    }

    @Test("channels.inbox without its secret says why the inbox channel is missing")
    func disabledReason() {
        var config = ChannelsConfig(email: nil)
        #expect(config.disabledReason(.inbox) == nil)
        config.inboxDisabledReason = "inbox is disabled: channels.inbox.signing_secret is empty (set ACCOLADE_INBOX_SECRET)"
        #expect(config.disabledReason(.inbox)?.contains("ACCOLADE_INBOX_SECRET") == true)
    }
}

/// The link rule the data check and the OpenAPI document share (``InboxLinkPattern``), against the
/// channel-side check of the rendered link: what matches is a link the channel accepts.
@Suite("Inbox: the action link rule")
struct InboxLinkPatternTests {
    @Test("links that match; and values that do not, refused before rendering")
    func pattern() {
        for good in [
            "https://crm.example.com", "http://127.0.0.1:8080/r/RW-7Q2K?x=1&y=%20#top", "HTTPS://Rewards.Example.com/a/b;c=d",
            "https://x.example/" + String(repeating: "a", count: 2000),
        ] {
            #expect(InboxLinkPattern.matches(good), "\(good)")
        }
        for bad in [
            "", "JTO 0.00", "javascript:alert(1)", "ftp://x.example", "https://", "https://user:pw@x.example", "https://x.example/a b",
            "https://x.example/%zz", "https://x.example/ä", "https://x.example/#a#b", "https://x.example/" + String(repeating: "a", count: 2100),
            "https://x.example/\n",
        ] {
            #expect(!InboxLinkPattern.matches(bad), "\(bad)")
        }
    }
}
