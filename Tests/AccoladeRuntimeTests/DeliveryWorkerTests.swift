import AccoladeCore
import AccoladeTestSupport
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing

@testable import AccoladeRuntime

@Suite struct DeliveryWorkerTests {
    func enqueue(
        _ store: any Store, channels: [any Channel], count: Int, route: [ChannelKind]? = nil, mode: RouteMode = .all,
        expiresAt: Date? = nil, clock: any WallClock = SystemWallClock()
    ) async throws -> [String] {
        let d = Dispatcher(store: store, renderer: StubRenderer(), channels: ChannelRegistry(channels), clock: clock, logger: quietLogger)
        let requests = (0..<count).map { i in
            SendRequest(template: "t", recipient: Recipient(name: "R\(i)", email: "r\(i)@example.com", phone: "+628123456789\(i % 10)"), channels: route, mode: mode, expiresAt: expiresAt)
        }
        return try await d.send(requests).map { outcome in
            guard case .accepted(let m, _) = outcome else { throw ValidationError(field: "test", reason: "\(outcome)") }
            return m.id
        }
    }

    func drain(_ store: any Store, _ channels: [any Channel], settings: WorkerSettings = fastSettings()) async throws {
        let worker = DeliveryWorker(store: store, renderer: StubRenderer(), channels: ChannelRegistry(channels), settings: settings, logger: quietLogger)
        try await worker.run()
    }

    @Test func deliversEverythingOnceAndLogsEachAttempt() async throws {
        let store = try await makeStore()
        let email = ScriptedChannel { r in DeliveryReceipt(provider: "fake", providerMessageID: "id-\(r.deliveryID)", code: "250", detail: "ok") }
        let ids = try await enqueue(store, channels: [email], count: 100)
        try await drain(store, [email])
        #expect(email.requests.count == 100)
        #expect(Set(email.requests.map(\.messageID)) == Set(ids))
        for id in ids.prefix(5) {
            let d = try await store.deliveries(messageID: id)
            #expect(d.map(\.state) == [.sent])
            #expect(d[0].providerMessageID == "id-\(d[0].id)")
            let attempts = try await store.attempts(messageID: id)
            #expect(attempts.map(\.outcome) == [.sent])
            #expect(attempts[0].code == "250")
        }
    }

    @Test func transientFailureIsRetriedThenSent() async throws {
        let store = try await makeStore()
        let seen = Mutex<Set<String>>([])
        let email = ScriptedChannel { r throws(DeliveryError) in
            let first = seen.withLock { $0.insert(r.deliveryID).inserted }
            if first { throw DeliveryError(disposition: .retry(after: nil), provider: "fake", code: "451", detail: "451 try later") }
            return DeliveryReceipt(provider: "fake", code: "250")
        }
        let ids = try await enqueue(store, channels: [email], count: 3)
        try await drain(store, [email])
        for id in ids {
            #expect(try await store.deliveries(messageID: id).map(\.state) == [.sent])
            let attempts = try await store.attempts(messageID: id)
            #expect(attempts.map(\.outcome) == [.retry, .sent])
            #expect(attempts.map(\.code) == ["451", "250"])
            #expect(attempts.map(\.number) == [1, 2])
        }
        // The same delivery id on both attempts: email keeps its Message-ID across retries.
        #expect(Set(email.requests.map(\.deliveryID)).count == 3)
    }

    @Test func givesUpAfterMaxAttempts() async throws {
        let store = try await makeStore()
        let email = ScriptedChannel { _ throws(DeliveryError) in throw DeliveryError(disposition: .retry(after: nil), provider: "fake", code: "curl:7", detail: "connection refused") }
        let ids = try await enqueue(store, channels: [email], count: 1)
        try await drain(store, [email], settings: fastSettings(maxAttempts: 3))
        let d = try await store.deliveries(messageID: ids[0])[0]
        #expect(d.state == .failed)
        #expect(d.attempts == 3)
        #expect(d.lastError?.contains("gave up after 3 attempts") == true)
        #expect(try await store.attempts(messageID: ids[0]).count == 3)
    }

    @Test func fallbackMovesOnAfterAPermanentFailure() async throws {
        let store = try await makeStore()
        let sms = ScriptedChannel(kind: .sms) { _ throws(DeliveryError) in throw DeliveryError(disposition: .permanent, provider: "fake-sms", code: "21211", detail: "invalid number") }
        let email = ScriptedChannel { _ in DeliveryReceipt(provider: "fake", code: "250") }
        let ids = try await enqueue(store, channels: [sms, email], count: 2, route: [.sms, .email], mode: .fallback)
        try await drain(store, [sms, email])
        for id in ids {
            #expect(try await store.deliveries(messageID: id).map(\.state) == [.failed, .sent])
        }
    }

    @Test func fallbackStopsAtTheFirstSuccess() async throws {
        let store = try await makeStore()
        let sms = ScriptedChannel(kind: .sms) { _ in DeliveryReceipt(provider: "fake-sms") }
        let email = ScriptedChannel { _ in DeliveryReceipt(provider: "fake") }
        let ids = try await enqueue(store, channels: [sms, email], count: 1, route: [.sms, .email], mode: .fallback)
        try await drain(store, [sms, email])
        #expect(try await store.deliveries(messageID: ids[0]).map(\.state) == [.sent, .skipped])
        #expect(email.requests.isEmpty)
    }

    @Test func allModeDeliversEveryChannel() async throws {
        let store = try await makeStore()
        let sms = ScriptedChannel(kind: .sms) { _ in DeliveryReceipt(provider: "fake-sms") }
        let email = ScriptedChannel { _ in DeliveryReceipt(provider: "fake") }
        let ids = try await enqueue(store, channels: [sms, email], count: 1, route: [.email, .sms])
        try await drain(store, [sms, email])
        #expect(try await store.deliveries(messageID: ids[0]).map(\.state) == [.sent, .sent])
    }

    @Test func expiredMessagesAreSkippedWithoutCallingTheProvider() async throws {
        let store = try await makeStore()
        let email = ScriptedChannel { _ in DeliveryReceipt(provider: "fake") }
        // Accepted an hour ago, expired half an hour ago.
        let hourAgo = FixedClock(date: Date().addingTimeInterval(-3600))
        let ids = try await enqueue(store, channels: [email], count: 1, expiresAt: hourAgo.date.addingTimeInterval(1800), clock: hourAgo)
        try await drain(store, [email])
        let d = try await store.deliveries(messageID: ids[0])[0]
        #expect(d.state == .skipped)
        #expect(d.lastError == "message expired before delivery")
        #expect(email.requests.isEmpty)
    }

    @Test func gracefulShutdownReleasesWhatDoesNotFinishInTime() async throws {
        let store = try await makeStore()
        let started = Mutex(0)
        let email = ScriptedChannel { _ in
            started.withLock { $0 += 1 }
            try? await Task.sleep(for: .seconds(300))  // a provider that never answers in time
            return DeliveryReceipt(provider: "fake")
        }
        let ids = try await enqueue(store, channels: [email], count: 4)
        let worker = DeliveryWorker(store: store, renderer: StubRenderer(), channels: ChannelRegistry([email]), settings: fastSettings(drain: false, grace: 0.2), logger: quietLogger)
        let group = ServiceGroup(services: [worker], logger: quietLogger)
        let clock = ContinuousClock()
        let begin = clock.now
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await waitUntil("all 4 deliveries are in flight") { started.withLock { $0 } == 4 }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(clock.now - begin < .seconds(120))  // the grace period (0.2 s), not the 300 s hang, bounds it
        for id in ids {
            let d = try await store.deliveries(messageID: id)[0]
            #expect(d.state == .available)  // back in the queue for another worker
            #expect(d.attempts == 0)
            #expect(d.leaseOwner == nil)
        }
    }
}
