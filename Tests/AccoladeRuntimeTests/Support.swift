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
