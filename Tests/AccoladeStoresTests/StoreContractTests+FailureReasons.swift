import AccoladeCore
import Foundation
import Testing

/// The `Store` contract for the dashboard's top failure reasons (issue 18): failed deliveries of
/// a time range, grouped by channel and reason, most frequent first.
@Suite("Store contract: failure reasons")
struct StoreFailureReasonContractTests {
    @Test("failed deliveries of the range, grouped by channel and reason, most frequent first, limited", arguments: StoreFactory.all)
    func grouped(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let requests = (0..<5).map { i in
                Fixtures.request(Fixtures.message(id: Identifier.make(now: Fixtures.at(Int64(i))), channels: [.email]))
            }
            _ = try await store.enqueue(requests)
            let claimed = try await store.claim(owner: "w", limit: 10, now: Fixtures.at(10), lease: 30)
            #expect(claimed.count == 5)
            var updates: [DeliveryUpdate] = []
            for (i, c) in claimed.enumerated() {
                // Three "no such user" (two with a provider's trace id, left out), one "mailbox
                // full" (a long text, cut), one sent.
                var u = Fixtures.update(c, owner: "w", state: i == 4 ? .sent : .failed, now: Fixtures.at(1_000 + Int64(i)))
                if i == 1 || i == 2 { u.lastError = "smtp 550: no such user [fbtrace_id Tr\(i)ace]" }
                if i == 3 { u.lastError = "552 mailbox full " + String(repeating: "x", count: 400) }
                updates.append(u)
            }
            #expect(try await store.complete(updates) == 5)

            let all = try await store.failureReasons(since: Fixtures.at(0), until: Fixtures.at(10_000), limit: 10)
            #expect(all.map(\.count) == [3, 1], "\(all)")
            #expect(all.first == FailureReason(channel: "email", reason: "smtp 550: no such user", count: 3))
            #expect(all.last?.reason.count == FailureReason.maximumReasonLength)
            #expect(all.last?.reason.hasPrefix("552 mailbox full") == true)

            #expect(try await store.failureReasons(since: Fixtures.at(0), until: Fixtures.at(10_000), limit: 1).count == 1)
            // The range is of the failure (the delivery's last change), half-open.
            #expect(try await store.failureReasons(since: Fixtures.at(1_004), until: Fixtures.at(10_000), limit: 10).isEmpty)
            #expect(try await store.failureReasons(since: Fixtures.at(0), until: Fixtures.at(1_000), limit: 10).isEmpty)
            let one = try await store.failureReasons(since: Fixtures.at(1_000), until: Fixtures.at(1_001), limit: 10)
            #expect(one.map(\.count) == [1], "\(one)")
        }
    }

    @Test("failures that differ only by the recipient's address or number are one reason", arguments: StoreFactory.all)
    func normalised(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let requests = (0..<5).map { i in
                Fixtures.request(Fixtures.message(id: Identifier.make(now: Fixtures.at(Int64(i))), channels: [i < 3 ? .email : .sms]))
            }
            _ = try await store.enqueue(requests)
            let claimed = try await store.claim(owner: "w", limit: 10, now: Fixtures.at(10), lease: 30)
            #expect(claimed.count == 5)
            let errors = [
                "smtp 550: 550 5.1.1 <ana@example.com>: Recipient address rejected",
                "smtp 550: 550 5.1.1 <budi@example.co.id>: Recipient address rejected",
                "smtp 552: 552 5.2.2 <ana@example.com>: Mailbox full",
                "twilio 21211: invalid To number: The 'To' number +15005550001 is not a valid phone number.",
                "twilio 21211: invalid To number: The 'To' number +6281234567890 is not a valid phone number.",
            ]
            let updates = claimed.sorted { $0.message.id < $1.message.id }.enumerated().map { i, c in
                var u = Fixtures.update(c, owner: "w", state: .failed, now: Fixtures.at(1_000 + Int64(i)))
                u.lastError = errors[i]
                return u
            }
            #expect(try await store.complete(updates) == 5)

            let reasons = try await store.failureReasons(since: Fixtures.at(0), until: Fixtures.at(10_000), limit: 10)
            #expect(
                reasons == [
                    FailureReason(channel: "email", reason: "smtp 550: 550 5.1.1 <address>: Recipient address rejected", count: 2),
                    FailureReason(
                        channel: "sms", reason: "twilio 21211: invalid To number: The 'To' number <phone> is not a valid phone number.", count: 2),
                    FailureReason(channel: "email", reason: "smtp 552: 552 5.2.2 <address>: Mailbox full", count: 1),
                ], "\(reasons)")
            // The limit applies to the merged groups.
            #expect(try await store.failureReasons(since: Fixtures.at(0), until: Fixtures.at(10_000), limit: 2).map(\.count) == [2, 2])
        }
    }
}
