import AccoladeCore
import Foundation
import Testing

/// The `Store` contract for report rollups (issue 18): kept in the transaction of every write
/// that changes them, equal to a rebuild from the log, and read back as ``Report`` figures.
@Suite("Store contract: report rollups")
struct StoreRollupContractTests {
    static func usd(_ micros: Int64) -> MicroMoney { MicroMoney(micros: micros, currency: "USD") }
    /// Everything the fixtures write falls in this range of quarter-hours.
    static let everything: [Range<Int64>] = [0..<Int64.max / 2]

    /// A journey over every path that moves a counter; returns the message ids.
    static func journey(_ store: any Store) async throws -> (voucher: String, plain: String) {
        var voucher = Fixtures.message(channels: [.whatsapp, .sms, .email], mode: .all)
        voucher.setValues(
            MessageValues(
                programme: "Kudos", rewardValue: MicroMoney(micros: 50_000_000_000, currency: "IDR"),
                outcomeValue: Self.usd(1_000_000_000)))
        voucher.workflow = "deal-closed-reward"
        var plain = Fixtures.message(id: Identifier.make(now: Fixtures.at(1)), channels: [.inbox, .sms], mode: .fallback)
        plain.setValues(MessageValues(programme: "reward-earned"))
        _ = try await store.enqueue([Fixtures.request(voucher), Fixtures.request(plain)])
        let claimed = try await store.claim(owner: "w", limit: 10, now: Fixtures.at(10), lease: 30)
        #expect(claimed.count == 4)
        var updates: [DeliveryUpdate] = []
        for c in claimed {
            switch (c.message.id == voucher.id, c.delivery.channel) {
            case (true, .whatsapp):
                var u = Fixtures.update(c, owner: "w", state: .sent, now: Fixtures.at(1_500), providerMessageID: "wamid.V")
                u.attempt?.cost = Self.usd(25_200)
                updates.append(u)
            case (true, .sms):
                var u = Fixtures.update(c, owner: "w", state: .sent, now: Fixtures.at(3_000), providerMessageID: "SM1")
                u.attempt?.cost = Self.usd(83_000)
                updates.append(u)
            case (true, _):
                var u = Fixtures.update(c, owner: "w", state: .skipped, now: Fixtures.at(20))
                u.lastError = "suppressed: the address opted out"
                updates.append(u)
            default:
                var u = Fixtures.update(c, owner: "w", state: .sent, now: Fixtures.at(40))
                u.attempt?.cost = nil
                updates.append(u)
            }
        }
        #expect(try await store.complete(updates) == 4)
        // WhatsApp: free, delivered, read; SMS: delivered then a bounce-like late failure elsewhere.
        var free = ReceiptReport(
            reference: .providerMessageID("wamid.V"), state: .delivered, provider: "whatsapp", providerEventID: "V:d", occurredAt: nil,
            receivedAt: Fixtures.at(60_000), detail: nil)
        free.freeOfCharge = true
        #expect(try await store.recordReceipt(free) == .applied(.delivered))
        let read = ReceiptReport(
            reference: .providerMessageID("wamid.V"), state: .read, provider: "whatsapp", providerEventID: "V:r", occurredAt: nil,
            receivedAt: Fixtures.at(120_000), detail: nil)
        #expect(try await store.recordReceipt(read) == .applied(.read))
        let failed = ReceiptReport(
            reference: .providerMessageID("SM1"), state: .failed, provider: "bounce", providerEventID: "SM1:f", occurredAt: nil,
            receivedAt: Fixtures.at(5_000), detail: "550 no such user")
        #expect(try await store.recordReceipt(failed) == .applied(.failed))
        // A requeued failure counts as queued again.
        #expect(try await store.requeueFailed(deliveryIDs: nil, now: Fixtures.at(6_000)).count == 1)
        // Redeemed at +1 h with the issued value (the event names none).
        _ = try await store.recordRedemption(messageID: voucher.id, rewardCode: nil, at: Fixtures.at(3_600_000), value: nil)
        // A second redemption of the same message changes nothing.
        _ = try await store.recordRedemption(messageID: voucher.id, rewardCode: nil, at: Fixtures.at(7_200_000), value: Self.usd(1))
        return (voucher.id, plain.id)
    }

    /// After an upgrade from the tall layout (``journey(_:)`` written before it): the counters
    /// hold the journey's two messages and its redemption, equal a rebuild from the log, and the
    /// new triggers count a message written afterwards.
    static func expectUpgradedCounters(_ store: any Store, voucher: String) async throws {
        let upgraded = try await snapshot(store)
        #expect(upgraded.filter { $0.measure == "messages" }.reduce(0) { $0 + $1.value } == 2)
        #expect(upgraded.contains { $0.measure == "redemptions" && $0.value == 1 })
        try await store.rebuildReportRollups()
        #expect(try await snapshot(store) == upgraded)

        _ = try await store.enqueue([Fixtures.request(channels: [.email])])
        let after = try await snapshot(store)
        #expect(after.filter { $0.measure == "messages" }.reduce(0) { $0 + $1.value } == 3)
        #expect(try await store.message(id: voucher) != nil)
    }

    static func snapshot(_ store: any Store) async throws -> [RollupRow] {
        try await store.reportRollups(periods: everything, by: ReportDimension.allCases)
            .sorted { "\($0.dimensions)\($0.measure)\($0.currency)" < "\($1.dimensions)\($1.measure)\($1.currency)" }
    }

    @Test("the rollups follow every write and equal a rebuild from the log", arguments: StoreFactory.all)
    func rebuildEqualsIncremental(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            _ = try await Self.journey(store)
            let incremental = try await Self.snapshot(store)
            #expect(!incremental.isEmpty)
            try await store.rebuildReportRollups()
            let rebuilt = try await Self.snapshot(store)
            #expect(rebuilt == incremental)
        }
    }

    @Test("the report's figures", arguments: StoreFactory.all)
    func figures(factory: StoreFactory) async throws {
        try await factory.withStore { store in
            let ids = try await Self.journey(store)
            let rows = try await store.reportRollups(periods: Self.everything, by: [.programme])
            let report = Report.make(ReportQuery(since: Fixtures.t0, until: Fixtures.at(1), dimensions: [.programme]), periods: ["all"], rows: rows)
            let kudos = try #require(report.rows.first { $0.dimensions == ["Kudos"] }?.figures)
            #expect(kudos.messages == 1)
            #expect(kudos.deliveries["read"] == 1 && kudos.deliveries["optout"] == 1 && kudos.deliveries["queued"] == 1)
            #expect(kudos.optOuts == 1 && kudos.bounces == 1)
            // WhatsApp was free; the SMS cost stands (it was accepted and billed, then bounced).
            #expect(kudos.cost == ["USD": 83_000])
            #expect(kudos.issued == ["IDR": 50_000_000_000] && kudos.issuedCount == 1)
            #expect(kudos.redeemed == ["IDR": 50_000_000_000] && kudos.redemptions == 1 && kudos.redemptionRate == 1)
            #expect(kudos.outcome == ["USD": 1_000_000_000])
            #expect(kudos.seenRate == 1 && kudos.readRate == 1)
            #expect(kudos.percentile(0.5, of: "lat_sent") == 2.5)  // 1.5 s after acceptance
            #expect(kudos.percentile(0.99, of: "lat_sent") == 5)  // 3 s
            #expect(kudos.percentile(0.5, of: "lat_delivered") == 60)  // the free status at +60 s
            #expect(kudos.percentile(0.5, of: "lat_redeem") == 3_600)
            let roi = try #require(kudos.roi["USD"])
            #expect(abs(roi - (1_000_000_000.0 - 83_000) / 83_000) < 1e-9)
            let other = try #require(report.rows.first { $0.dimensions == ["reward-earned"] }?.figures)
            #expect(other.messages == 1 && other.deliveries["sent"] == 1 && other.deliveries["skipped"] == nil)
            #expect(other.seenRate == 0)
            #expect(report.totals.messages == 2)
            _ = ids
        }
    }

    @Test("a +05:45 day reads exactly its quarter-hours: days, six hours and edge quarter-hours add up to a naive count", arguments: StoreFactory.all)
    func quarterHourEdges(factory: StoreFactory) async throws {
        let zone = try #require(TimeZone(identifier: "Asia/Kathmandu"))
        func utc(_ text: String) throws -> Date { try #require(ISOTime.parseRFC3339(text)) }
        // Around the local midnights of 2025-10-10 and -11 (18:15 UTC) and inside the day's
        // head and tail quarter-hours and whole hours; two UTC days are crossed.
        let instants = try [
            "2025-10-09T18:14:59.999Z", "2025-10-09T18:15:00Z", "2025-10-09T18:29:59Z", "2025-10-09T18:30:00Z", "2025-10-09T18:59:59Z",
            "2025-10-09T19:00:00Z", "2025-10-09T23:59:59Z", "2025-10-10T00:00:00Z", "2025-10-10T12:34:56Z", "2025-10-10T17:59:59Z",
            "2025-10-10T18:00:00Z", "2025-10-10T18:14:59.999Z", "2025-10-10T18:15:00Z", "2025-10-11T02:00:00Z", "2025-10-11T18:14:00Z",
            "2025-10-11T18:15:00Z",
        ].map(utc)
        try await factory.withStore { store in
            var requests: [EnqueueRequest] = []
            for (i, at) in instants.enumerated() {
                let message = Fixtures.message(id: Identifier.make(now: at), fingerprint: "fp-\(i)", createdAt: at)
                requests.append(Fixtures.request(message, now: at))
            }
            _ = try await store.enqueue(requests)
            var calendar = Calendar(identifier: .iso8601)
            calendar.timeZone = zone
            let since = try #require(calendar.date(from: DateComponents(year: 2025, month: 10, day: 9)))
            let until = try #require(calendar.date(from: DateComponents(year: 2025, month: 10, day: 13)))
            let query = ReportQuery(since: since, until: until, grain: .day, timeZone: zone)
            // Each local day is read from six hours less a quarter-hour and a whole UTC day less
            // its six hours after 18:00 plus a quarter-hour (RollupGrainsTests checks the pieces
            // exactly).
            for period in query.periods {
                let pieces = RollupGrains.cover(period.buckets)
                #expect(pieces.contains { $0.grain == 1 } && pieces.contains { $0.grain == 24 })
                #expect(pieces.contains { $0.grain == 96 && $0.sign == 1 } && pieces.contains { $0.sign == -1 })
            }
            let report = try await Report.make(query, store: store)
            var naive: [String: Int64] = [:]
            for at in instants where at >= since && at < until {
                let c = calendar.dateComponents([.year, .month, .day], from: at)
                naive[String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!), default: 0] += 1
            }
            let read = Dictionary(report.rows.map { ($0.period, $0.figures.messages) }, uniquingKeysWith: +)
            #expect(read == naive)
            #expect(naive == ["2025-10-09": 1, "2025-10-10": 11, "2025-10-11": 3, "2025-10-12": 1])
            #expect(report.totals.messages == Int64(instants.count))
            // The same after a rebuild, which sums the hours and days from the quarter-hours.
            try await store.rebuildReportRollups()
            let rebuilt = try await Report.make(query, store: store)
            #expect(Dictionary(rebuilt.rows.map { ($0.period, $0.figures.messages) }, uniquingKeysWith: +) == naive)
        }
    }
}
