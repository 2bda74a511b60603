import AccoladeCore
import AccoladeStoreTestSupport
import AccoladeStores
import AccoladeTestSupport
import Foundation
import ServiceLifecycle
import Synchronization
import Testing

@testable import AccoladeRuntime

/// A store that refuses every call the worker makes while `down` is set, as SQLite does while
/// another process holds the write lock and PostgreSQL does while it restarts.
final class OutageStore: ForwardingStore, @unchecked Sendable {
    struct Unavailable: Error, CustomStringConvertible {
        var description: String { "store unavailable (test outage)" }
    }

    let down = Mutex(false)
    let refused = Mutex(0)
    /// Calls to `complete` that never answer, as a driver that lost its connection unnoticed.
    let hangingCompletes = Mutex(0)
    /// What the outage looks like to the worker.
    let kind: StoreFault

    init(_ base: SQLiteStore, kind: StoreFault = .transient) {
        self.kind = kind
        super.init(base)
    }

    private func gate() throws {
        if down.withLock({ $0 }) {
            refused.withLock { $0 += 1 }
            throw Unavailable()
        }
    }

    override func fault(of error: any Error) -> StoreFault { error is Unavailable ? kind : base.fault(of: error) }
    override func claim(owner: String, limit: Int, now: Date, lease: TimeInterval, channels: Set<ChannelKind>?) async throws -> [ClaimedDelivery] {
        try gate()
        return try await super.claim(owner: owner, limit: limit, now: now, lease: lease, channels: channels)
    }
    override func complete(_ updates: [DeliveryUpdate]) async throws -> Int {
        try gate()
        let hang = hangingCompletes.withLock { count in
            defer { count = max(0, count - 1) }
            return count > 0
        }
        if hang { await withCheckedContinuation { (_: CheckedContinuation<Void, Never>) in } }
        return try await super.complete(updates)
    }
    override func extendLeases(owner: String, deliveryIDs: [String], now: Date, lease: TimeInterval) async throws -> Int {
        try gate()
        return try await super.extendLeases(owner: owner, deliveryIDs: deliveryIDs, now: now, lease: lease)
    }
    override func rescueExpiredLeases(now: Date, maxAttempts: Int, sparing: [String]) async throws -> Int {
        try gate()
        return try await super.rescueExpiredLeases(now: now, maxAttempts: maxAttempts, sparing: sparing)
    }
    override func release(owner: String, deliveryIDs: [String], now: Date) async throws -> Int {
        try gate()
        return try await super.release(owner: owner, deliveryIDs: deliveryIDs, now: now)
    }
    override func snapshot(now: Date) async throws -> QueueSnapshot {
        try gate()
        return try await super.snapshot(now: now)
    }
    override func countDeliveries(inStates states: Set<DeliveryState>, channels: Set<ChannelKind>?) async throws -> Int {
        try gate()
        return try await super.countDeliveries(inStates: states, channels: channels)
    }
    override func recordPause(_ pause: ProviderPause) async throws {
        try gate()
        try await super.recordPause(pause)
    }
    override func clearPause(channel: ChannelKind) async throws {
        try gate()
        try await super.clearPause(channel: channel)
    }
}

/// Workers against a store that goes away, providers slower than the lease, misconfigured
/// providers: nothing lost, nothing sent twice, no worker exits.
@Suite(.serialized) struct DeliveryWorkerFaultTests {
    func enqueue(_ store: any Store, count: Int, route: [ChannelKind] = [.email], using channels: [any Channel]) async throws -> [String] {
        let d = Dispatcher(store: store, renderer: StubRenderer(), channels: ChannelRegistry(channels), clock: SystemWallClock(), logger: quietLogger)
        let requests = (0..<count).map { i in
            SendRequest(template: "t", recipient: Recipient(name: "R\(i)", email: "r\(i)@example.com", phone: "+6281234567\(i % 100)"), channels: route)
        }
        return try await d.send(requests).map { outcome in
            guard case .accepted(let m, _) = outcome else { throw ValidationError(field: "test", reason: "\(outcome)") }
            return m.id
        }
    }

    func settings(lease: TimeInterval, concurrency: Int = 16, drain: Bool = true) -> WorkerSettings {
        var s = fastSettings(drain: drain)
        s.lease = lease
        s.concurrency = concurrency
        s.pauseProbes = .init(firstProbe: 0.1, maxProbe: 0.4)
        return s
    }

    /// Runs `body` while the workers run; returns once every worker has finished (drain) or was stopped.
    func run(_ workers: [DeliveryWorker], stopAfterBody: Bool = false, _ body: () async throws -> Void) async throws {
        let group = ServiceGroup(
            configuration: .init(
                services: workers.map { .init(service: $0, successTerminationBehavior: .ignore) }, logger: quietLogger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await body()
            if stopAfterBody { await group.triggerGracefulShutdown() }
            try await tasks.waitForAll()
        }
    }

    @Test func aStoreOutageMidDrainLosesAndDoublesNothing() async throws {
        let store = OutageStore(try await makeStore())
        let email = ScriptedChannel { r in
            try? await Task.sleep(for: .milliseconds(20))
            return DeliveryReceipt(provider: "fake", providerMessageID: "p-\(r.deliveryID)")
        }
        let ids = try await enqueue(store, count: 80, using: [email])
        let worker = DeliveryWorker(store: store, renderer: StubRenderer(), channels: ChannelRegistry([email]), settings: settings(lease: 3), logger: quietLogger)
        try await run([worker]) {
            try await waitUntil("20 deliveries reached the provider") { email.requests.count >= 20 }
            store.down.withLock { $0 = true }
            // An outage the worker really ran into (several calls refused, with backoff between
            // them), however slow the machine, rather than one of a fixed length.
            try await waitUntil("the store refused the worker 3 times") { store.refused.withLock { $0 } >= 3 }
            store.down.withLock { $0 = false }
        }
        #expect(store.refused.withLock { $0 } > 0)
        let calls = email.requests.map(\.deliveryID)
        #expect(calls.count == 80 && Set(calls).count == 80)
        for id in ids { #expect(try await store.deliveries(messageID: id).map(\.state) == [.sent]) }
    }

    @Test func leasesOutlastSlowProvidersAndStallsLongerThanTheLeaseWithTwoWorkers() async throws {
        let store = OutageStore(try await makeStore())
        let email = ScriptedChannel { r in
            try? await Task.sleep(for: .milliseconds(2500))  // each delivery takes longer than the 2 s lease
            return DeliveryReceipt(provider: "fake", providerMessageID: "p-\(r.deliveryID)")
        }
        let ids = try await enqueue(store, count: 24, using: [email])
        let workers = (0..<2).map { _ in
            DeliveryWorker(store: store, renderer: StubRenderer(), channels: ChannelRegistry([email]), settings: settings(lease: 2, concurrency: 8), logger: quietLogger)
        }
        try await run(workers) {
            try await waitUntil("8 deliveries reached the provider") { email.requests.count >= 8 }
            store.down.withLock { $0 = true }
            try await Task.sleep(for: .milliseconds(3000))  // longer than the lease: nobody heartbeats
            store.down.withLock { $0 = false }
        }
        let calls = email.requests.map(\.deliveryID)
        #expect(Set(calls).count == 24)
        #expect(calls.count == 24, "no live claim was rescued and sent again")
        for id in ids {
            #expect(try await store.deliveries(messageID: id).map(\.state) == [.sent])
            #expect(try await store.attempts(messageID: id).map(\.outcome) == [.sent])
        }
    }

    @Test func aStoreCallThatNeverAnswersDoesNotWedgeTheWorker() async throws {
        let store = OutageStore(try await makeStore())
        store.hangingCompletes.withLock { $0 = 2 }
        let email = ScriptedChannel { r in DeliveryReceipt(provider: "fake", providerMessageID: "p-\(r.deliveryID)") }
        let ids = try await enqueue(store, count: 30, using: [email])
        let worker = DeliveryWorker(store: store, renderer: StubRenderer(), channels: ChannelRegistry([email]), settings: settings(lease: 1.5), logger: quietLogger)
        try await run([worker]) {}
        let calls = email.requests.map(\.deliveryID)
        #expect(calls.count == 30 && Set(calls).count == 30)
        for id in ids { #expect(try await store.deliveries(messageID: id).map(\.state) == [.sent]) }
    }

    @Test func aPermanentStoreFaultIsWaitedOutSlowly() async throws {
        let store = OutageStore(try await makeStore(), kind: .permanent(advice: "run accolade migrate"))
        let email = ScriptedChannel { _ in DeliveryReceipt(provider: "fake") }
        _ = try await enqueue(store, count: 5, using: [email])
        store.down.withLock { $0 = true }
        let worker = DeliveryWorker(store: store, renderer: StubRenderer(), channels: ChannelRegistry([email]), settings: settings(lease: 2), logger: quietLogger)
        try await run([worker]) {
            // A fault of a set length (real time, like the worker's backoff it measures), not a wait for an event.
            try await Task.sleep(for: .milliseconds(1200))
            store.down.withLock { $0 = false }
        }
        // Backing off at the cap (lease/4 = 0.5 s) from the first failure: a handful of calls, not hundreds.
        #expect(store.refused.withLock { $0 } <= 4)
        #expect(email.requests.count == 5)
    }

    @Test func aWorkerClaimsOnlyTheChannelsItHas() async throws {
        let store = OutageStore(try await makeStore())
        let email = ScriptedChannel { _ in DeliveryReceipt(provider: "fake") }
        let sms = ScriptedChannel(kind: .sms) { _ in DeliveryReceipt(provider: "fake") }
        let ids = try await enqueue(store, count: 6, route: [.email, .sms], using: [email, sms])
        // Draining drains this worker's channels: it ends although the SMS deliveries still wait.
        let worker = DeliveryWorker(store: store, renderer: StubRenderer(), channels: ChannelRegistry([email]), settings: settings(lease: 3), logger: quietLogger)
        try await run([worker]) {}
        #expect(email.requests.count == 6)
        for id in ids {
            let d = try await store.deliveries(messageID: id)
            #expect(d.map(\.state) == [.sent, .available])
            #expect(d[1].attempts == 0 && d[1].lastError == nil)
        }
    }

    @Test func aMisconfiguredProviderPausesItsChannelWithoutUsingUpAttempts() async throws {
        let store = OutageStore(try await makeStore())
        let broken = Mutex(true)
        let email = ScriptedChannel { _ throws(DeliveryError) in
            if broken.withLock({ $0 }) {
                throw DeliveryError(
                    disposition: .misconfigured(key: "channels.email.smtp.ca_file"), provider: "smtp", code: "curl:60",
                    detail: "SSL certificate problem: unable to get local issuer certificate")
            }
            return DeliveryReceipt(provider: "smtp")
        }
        let ids = try await enqueue(store, count: 40, using: [email])
        var s = settings(lease: 3, concurrency: 8)
        s.retry.maxAttempts = 2
        let worker = DeliveryWorker(store: store, renderer: StubRenderer(), channels: ChannelRegistry([email]), settings: s, logger: quietLogger)
        try await run([worker]) {
            try await waitUntil("the channel is paused") { try await !store.providerPauses().isEmpty }
            let pause = try #require(try await store.providerPauses().first)
            #expect(pause.channel == .email && pause.configKey == "channels.email.smtp.ca_file" && pause.provider == "smtp")
            // A window in which an unpaused channel would have sent all 40 (a negative check needs time).
            try await Task.sleep(for: .milliseconds(1000))
            // Paused: only what was in flight and the probes reached the provider.
            #expect(email.requests.count < 20)
            broken.withLock { $0 = false }
        }
        #expect(try await store.providerPauses().isEmpty)
        for id in ids {
            let d = try await store.deliveries(messageID: id)[0]
            #expect(d.state == .sent)
            #expect(d.attempts == 1, "a pause uses up no attempt (max_attempts is 2)")
        }
    }
}
