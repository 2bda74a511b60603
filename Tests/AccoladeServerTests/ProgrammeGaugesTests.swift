import AccoladeCore
import AccoladeStores
import Foundation
import Testing

@testable import AccoladeServer

/// `/metrics` carries spend, redeemed value, redemptions and messages per programme (issue 18,
/// item 6), read from the same rollups as `accolade report`.
@Suite("Programme gauges")
struct ProgrammeGaugesTests {
    /// The value of the one series `prefix` starts (`name{labels}`), nil when it is absent.
    static func value(_ metrics: String, _ prefix: String) -> Double? {
        metrics.split(separator: "\n").first { $0.hasPrefix(prefix + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    @Test("spend, redeemed value, redemptions and messages per programme are exported on /metrics")
    func exported() async throws {
        let server = try await APITestServer()
        // The exporter is shared by the whole test process: a programme of its own keeps the series apart.
        let programme = "Gauges \(UUID().uuidString.prefix(8))"
        var body = APITestServer.reward()
        var data = try #require(body["data"] as? [String: Any])
        data["program"] = programme
        body["data"] = data
        let accepted = try await server.send(body)
        #expect(accepted.status == 202)
        let id = try #require(try accepted.json()["id"] as? String)

        // A worker's accepted attempt, priced at 0.0004 USD, then a redemption worth the voucher.
        let claimed = try #require(try await server.store.claim(owner: "w", limit: 10, now: Date(), lease: 30).first { $0.message.id == id })
        let now = Date()
        var attempt = Attempt(
            deliveryID: claimed.delivery.id, number: 1, startedAt: now, finishedAt: now, provider: "smtp", outcome: .sent, code: "250",
            detail: "250 2.0.0 queued")
        attempt.cost = MicroMoney(micros: 400, currency: "USD")
        let update = DeliveryUpdate(
            deliveryID: claimed.delivery.id, leaseOwner: "w", state: .sent, attempts: 1, nextAttemptAt: nil, provider: "smtp",
            providerMessageID: nil, lastError: nil, attempt: attempt, followUp: nil, now: now)
        #expect(try await server.store.complete([update]) == 1)
        _ = try await server.store.recordRedemption(messageID: id, rewardCode: nil, at: now, value: MicroMoney(micros: 50_000_000_000, currency: "IDR"))

        // A scrape starts the refresh in the background and answers with what is there, so the
        // series may show from the next scrape on (the refresh itself runs once a minute).
        let labels = "programme=\"\(programme)\""
        var metrics = ""
        for _ in 0..<100 {
            metrics = try await server.request("GET", "/metrics", token: nil).text
            if Self.value(metrics, "accolade_programme_messages{\(labels)}") != nil { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(Self.value(metrics, "accolade_programme_messages{\(labels)}") == 1)
        #expect(Self.value(metrics, "accolade_programme_redemptions{\(labels)}") == 1)
        #expect(Self.value(metrics, "accolade_programme_spend{\(labels),currency=\"USD\"}") == 0.0004)
        #expect(Self.value(metrics, "accolade_programme_redeemed_value{\(labels),currency=\"IDR\"}") == 50_000)
        await server.stop()
    }

    /// Counts report reads.
    final class CountingReports: ReportStore, @unchecked Sendable {
        private let lock = NSLock()
        private var reads = 0
        var count: Int { lock.withLock { reads } }
        func reportRollups(periods: [Range<Int64>], by: [ReportDimension]) async throws -> [RollupRow] {
            lock.withLock { reads += 1 }
            return []
        }
        func rebuildReportRollups() async throws {}
    }

    @Test("the start-up fill reads the report without using up the first scrape's refresh, which then waits a minute")
    func warmUpThenRefresh() async {
        let gauges = ProgrammeGauges()
        let store = CountingReports()
        let start = Date()
        await gauges.warmUp(store: store, now: start)
        await gauges.refresh(store: store, now: start.addingTimeInterval(1))
        #expect(store.count == 2)
        await gauges.refresh(store: store, now: start.addingTimeInterval(30))
        #expect(store.count == 2)
        await gauges.refresh(store: store, now: start.addingTimeInterval(62))
        #expect(store.count == 3)
    }
}
