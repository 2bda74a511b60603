import AccoladeCore
import Foundation
import Testing

@testable import AccoladeRuntime

/// Which category a message gets: the request's, else the workflow's, else the template
/// manifest's, else `rewards` — and only declared ones.
@Suite struct DispatcherCategoryTests {
    /// ``StubRenderer`` whose template `news-digest` names `news` in its manifest.
    struct ManifestRenderer: MessageRenderer {
        let stub = StubRenderer()
        func hasTemplate(_ name: String) -> Bool { stub.hasTemplate(name) }
        func channels(of template: String) -> Set<ChannelKind> { stub.channels(of: template) }
        func renderContent(template: String, channel: ChannelKind, locale: String?, data: JSONValue, recipient: Recipient) throws -> RenderedContent {
            try stub.renderContent(template: template, channel: channel, locale: locale, data: data, recipient: recipient)
        }
        func category(of template: String) -> String? { template == "news-digest" ? "news" : nil }
    }

    static let declared = CategoriesConfig(categories: [MessageCategory(name: "news"), MessageCategory(name: "security"), MessageCategory(name: "loyalty")])

    func dispatcher(_ store: any Store, categories: CategoriesConfig = declared) -> Dispatcher {
        Dispatcher(
            store: store, renderer: ManifestRenderer(),
            channels: ChannelRegistry([ScriptedChannel(kind: .email) { _ in DeliveryReceipt(provider: "fake") }]), clock: SystemWallClock(),
            logger: quietLogger, categories: categories)
    }

    @Test(arguments: [
        ("t", nil, nil, "rewards"),
        ("news-digest", nil, nil, "news"),
        ("news-digest", nil, "loyalty", "loyalty"),
        ("news-digest", "security", "loyalty", "security"),
        ("t", "security", nil, "security"),
    ] as [(String, String?, String?, String)])
    func theMostSpecificSourceWins(template: String, request: String?, workflow: String?, expected: String) async throws {
        let store = try await makeStore()
        var send = SendRequest(template: template, recipient: Recipient(email: "a@b.co"), category: request)
        send.workflowCategory = workflow
        guard case .accepted(let message, _) = try await dispatcher(store).send([send])[0] else {
            Issue.record("not accepted")
            return
        }
        #expect(message.category == expected)
        #expect(try await store.message(id: message.id)?.category == expected)
    }

    @Test func undeclaredCategoriesAreRefusedWhereverTheyComeFrom() async throws {
        let store = try await makeStore()
        let onlyRewards = dispatcher(store, categories: CategoriesConfig())
        var fromWorkflow = SendRequest(template: "t", recipient: Recipient(email: "a@b.co"))
        fromWorkflow.workflowCategory = "loyalty"
        for (request, phrase) in [
            (SendRequest(template: "t", recipient: Recipient(email: "a@b.co"), category: "promo"), "unknown category \"promo\""),
            (SendRequest(template: "news-digest", recipient: Recipient(email: "a@b.co")), "template news-digest's category"),
            (fromWorkflow, "the workflow's category"),
        ] {
            guard case .rejected(.invalid(let error)) = try await onlyRewards.send([request])[0] else {
                Issue.record("expected a rejection for \(request)")
                continue
            }
            #expect(error.field == "category" && error.reason.contains(phrase), "\(error)")
        }
        #expect(try await store.snapshot(now: Date()).counts.values.reduce(0, +) == 0)
    }

    @Test func aNamedCategoryIsPartOfTheIdempotencyFingerprint() async throws {
        let store = try await makeStore()
        let d = dispatcher(store)
        let first = SendRequest(template: "t", recipient: Recipient(email: "a@b.co"), idempotencyKey: "k", category: "news")
        guard case .accepted = try await d.send([first])[0] else { Issue.record("not accepted"); return }
        var other = first
        other.category = "security"
        guard case .rejected(.idempotencyConflict) = try await d.send([other])[0] else { Issue.record("no conflict"); return }
        // Without a named category the same request replays: a derived category is not part of it.
        let unnamed = SendRequest(template: "news-digest", recipient: Recipient(email: "a@b.co"), idempotencyKey: "k2")
        guard case .accepted(let made, _) = try await d.send([unnamed])[0], case .replayed(let again, _) = try await d.send([unnamed])[0] else {
            Issue.record("not accepted then replayed")
            return
        }
        #expect(made.id == again.id && again.category == "news")
    }
}
