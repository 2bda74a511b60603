import AccoladeCore
import AccoladeStores
import Foundation
import Testing

/// Throughput figures for the hot path; run with `ACCOLADE_STORE_SPEED=1` (skipped otherwise,
/// because timings mean little on a loaded CI machine and the run takes several seconds).
@Suite("Store speed", .serialized, .enabled(if: ProcessInfo.processInfo.environment["ACCOLADE_STORE_SPEED"] == "1"))
struct StoreSpeedTests {
    @Test("enqueue 20,000 in batches of 500, then claim+complete 256 at a time", arguments: SQLiteStore.Durability.allCases)
    func hotPath(durability: SQLiteStore.Durability) async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let store = try SQLiteStore(path: folder.path("speed.sqlite"), durability: durability, logger: testLogger)
        try await store.migrate()
        try await Self.measureHotPath(store, label: "sqlite durability=\(durability.rawValue)")
        try store.close()
    }

    @Test("PostgreSQL: enqueue 20,000 in batches of 500, then claim+complete 256 at a time",
          .enabled(if: StoreFactory.postgres != nil))
    func postgresHotPath() async throws {
        let factory = try #require(StoreFactory.postgres)
        try await factory.withStore { store in
            try await Self.measureHotPath(store, label: "postgres")
        }
    }

    /// Enqueues 20,000 messages, then drains them with claim+complete of 256, printing figures.
    static func measureHotPath(_ store: any Store, label: String) async throws {
        let clock = ContinuousClock()
        let total = 20_000

        let requests = (0..<total).map { i in
            Fixtures.request(key: "speed-\(i)", channels: [.email], now: Fixtures.t0)
        }
        let enqueueTime = try await clock.measure {
            for start in stride(from: 0, to: total, by: 500) {
                _ = try await store.enqueue(Array(requests[start..<start + 500]))
            }
        }

        var claimTime = Duration.zero
        var completeTime = Duration.zero
        var done = 0
        var rounds = 0
        while rounds < 1000 {  // bounded: 20,000 / 256 needs 79 rounds
            rounds += 1
            let now = Fixtures.at(Int64(1000 + rounds))
            var claimed: [ClaimedDelivery] = []
            claimTime += try await clock.measure {
                claimed = try await store.claim(owner: "speed", limit: 256, now: now, lease: 60)
            }
            if claimed.isEmpty { break }
            let updates = claimed.map { Fixtures.update($0, owner: "speed", state: .sent, now: now, providerMessageID: "q") }
            var applied = 0
            completeTime += try await clock.measure {
                applied = try await store.complete(updates)
            }
            #expect(applied == updates.count)
            done += claimed.count
        }
        #expect(done == total)
        let batches = Double(rounds - 1)
        func ms(_ d: Duration) -> String { String(format: "%.2f", d.seconds * 1000) }
        print(
            """
            [store speed] \(label)
              enqueue: \(total) messages in \(ms(enqueueTime)) ms = \(Int(Double(total) / enqueueTime.seconds)) msg/s \
            (\(ms(enqueueTime / (total / 500))) ms per batch of 500)
              claim+complete: \(done) deliveries in \(ms(claimTime + completeTime)) ms = \
            \(Int(Double(done) / (claimTime + completeTime).seconds)) deliveries/s
              per batch of 256: claim \(String(format: "%.2f", claimTime.seconds * 1000 / batches)) ms, \
            complete \(String(format: "%.2f", completeTime.seconds * 1000 / batches)) ms
            """)
    }
}
