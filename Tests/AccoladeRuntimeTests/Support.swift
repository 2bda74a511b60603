import AccoladeCore
import AccoladeRuntime
import AccoladeStores
import Foundation
import Logging
import Synchronization

/// A renderer that needs no template files: every template but `missing` exists; data key
/// `fail` makes rendering fail like a missing variable would.
struct StubRenderer: MessageRenderer {
    func hasTemplate(_ name: String) -> Bool { name != "missing" }
    func channels(of template: String) -> Set<ChannelKind> { [.email, .sms] }
    func renderContent(template: String, channel: ChannelKind, locale: String?, data: JSONValue, recipient: Recipient) throws -> RenderedContent {
        if data[path: "fail"] != nil { throw ValidationError(field: "t/email.txt.mustache:3", reason: "missing variable \"code\"") }
        switch channel {
        case .email: return .email(RenderedEmail(subject: "Hi \(recipient.name ?? "")", text: "text", html: "<p>html</p>"))
        default: return .sms(text: "sms")
        }
    }
}

/// A channel whose behaviour per attempt is scripted by the test, and which records every call.
final class ScriptedChannel: Channel, @unchecked Sendable {
    let kind: ChannelKind
    let providerName: String
    private let script: @Sendable (DeliveryRequest) async throws(DeliveryError) -> DeliveryReceipt
    private let calls = Mutex<[DeliveryRequest]>([])

    init(kind: ChannelKind = .email, script: @escaping @Sendable (DeliveryRequest) async throws(DeliveryError) -> DeliveryReceipt) {
        self.kind = kind
        self.providerName = "fake-\(kind)"
        self.script = script
    }

    var requests: [DeliveryRequest] { calls.withLock { $0 } }

    func validate(recipient: Recipient) throws(ValidationError) {
        if kind == .email, recipient.email?.contains("@") != true {
            throw ValidationError(field: "to.email", reason: "not an email address")
        }
    }

    func deliver(_ request: DeliveryRequest) async throws(DeliveryError) -> DeliveryReceipt {
        calls.withLock { $0.append(request) }
        return try await script(request)
    }
}

/// A fresh SQLite store in a temporary folder.
func makeStore() async throws -> SQLiteStore {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("accolade-runtime-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let store = try SQLiteStore(path: dir.appendingPathComponent("q.sqlite").path, logger: quietLogger)
    try await store.migrate()
    return store
}

let quietLogger: Logger = {
    var l = Logger(label: "test")
    l.logLevel = .critical
    return l
}()

func fastSettings(drain: Bool = true, maxAttempts: Int = 4, grace: TimeInterval = 5) -> WorkerSettings {
    WorkerSettings(
        config: WorkerConfig(
            concurrency: 16, batchSize: 8, lease: 30, pollInterval: 0.02, shutdownGrace: grace,
            retry: RetryPolicy(maxAttempts: maxAttempts, baseDelay: 0.01, maxDelay: 0.05)),
        owner: "test-worker-\(UUID().uuidString.prefix(8))", drain: drain)
}

/// A clock stopped at one instant.
struct FixedClock: WallClock {
    var date: Date
    func now() -> Date { date }
    func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
}

/// Forwards every `Store` call to SQLite; subclasses override the calls a test wants to watch or change.
class ForwardingStore: Store, @unchecked Sendable {
    let base: SQLiteStore

    init(_ base: SQLiteStore) { self.base = base }

    func workSignals() -> AsyncStream<Void>? { nil }
    func migrate() async throws { try await base.migrate() }
    func enqueue(_ requests: [EnqueueRequest]) async throws -> [EnqueueResult] { try await base.enqueue(requests) }
    func claim(owner: String, limit: Int, now: Date, lease: TimeInterval, channels: Set<ChannelKind>?) async throws -> [ClaimedDelivery] {
        try await base.claim(owner: owner, limit: limit, now: now, lease: lease, channels: channels)
    }
    func extendLeases(owner: String, deliveryIDs: [String], now: Date, lease: TimeInterval) async throws -> Int {
        try await base.extendLeases(owner: owner, deliveryIDs: deliveryIDs, now: now, lease: lease)
    }
    func fault(of error: any Error) -> StoreFault { base.fault(of: error) }
    func recordPause(_ pause: ProviderPause) async throws { try await base.recordPause(pause) }
    func clearPause(channel: ChannelKind) async throws { try await base.clearPause(channel: channel) }
    func providerPauses() async throws -> [ProviderPause] { try await base.providerPauses() }
    func complete(_ updates: [DeliveryUpdate]) async throws -> Int { try await base.complete(updates) }
    func release(owner: String, deliveryIDs: [String], now: Date) async throws -> Int {
        try await base.release(owner: owner, deliveryIDs: deliveryIDs, now: now)
    }
    func rescueExpiredLeases(now: Date, maxAttempts: Int, sparing: String?) async throws -> Int {
        try await base.rescueExpiredLeases(now: now, maxAttempts: maxAttempts, sparing: sparing)
    }
    func requeueFailed(deliveryIDs: [String]?, now: Date) async throws -> [String] {
        try await base.requeueFailed(deliveryIDs: deliveryIDs, now: now)
    }
    func message(id: String) async throws -> Message? { try await base.message(id: id) }
    func deliveries(messageID: String) async throws -> [Delivery] { try await base.deliveries(messageID: messageID) }
    func attempts(messageID: String) async throws -> [Attempt] { try await base.attempts(messageID: messageID) }
    func receipts(messageID: String) async throws -> [Receipt] { try await base.receipts(messageID: messageID) }
    func recordReceipt(_ report: ReceiptReport) async throws -> ReceiptOutcome { try await base.recordReceipt(report) }
    func sweepUnmatchedReceipts(now: Date, receivedBefore cutoff: Date) async throws -> UnmatchedReceiptSweep {
        try await base.sweepUnmatchedReceipts(now: now, receivedBefore: cutoff)
    }
    func deliveryID(providerMessageID: String) async throws -> String? {
        try await base.deliveryID(providerMessageID: providerMessageID)
    }
    func messages(matching query: MessageQuery) async throws -> [Message] { try await base.messages(matching: query) }
    func deliveries(inStates states: Set<DeliveryState>, limit: Int) async throws -> [Delivery] {
        try await base.deliveries(inStates: states, limit: limit)
    }
    func snapshot(now: Date) async throws -> QueueSnapshot { try await base.snapshot(now: now) }
    func suppression(channel: ChannelKind, address: String) async throws -> Suppression? {
        try await base.suppression(channel: channel, address: address)
    }
    func suppress(_ entries: [Suppression]) async throws -> Int { try await base.suppress(entries) }
    func unsuppress(channel: ChannelKind, address: String) async throws -> Bool {
        try await base.unsuppress(channel: channel, address: address)
    }
    func suppressions(channel: ChannelKind?, after address: String?, limit: Int) async throws -> [Suppression] {
        try await base.suppressions(channel: channel, after: address, limit: limit)
    }
    func recordInbound(channel: ChannelKind, address: String, at time: Date) async throws {
        try await base.recordInbound(channel: channel, address: address, at: time)
    }
    func lastInbound(channel: ChannelKind, address: String) async throws -> Date? {
        try await base.lastInbound(channel: channel, address: address)
    }
}
