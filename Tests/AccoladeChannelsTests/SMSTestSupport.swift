import AccoladeChannels
import AccoladeCore
import Foundation
import Logging
import Synchronization

/// A clock tests move by hand; `sleep` advances it instead of waiting.
final class ManualClock: WallClock, @unchecked Sendable {
    private let current: Mutex<Date>
    private let slept = Mutex<[Duration]>([])

    init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        current = Mutex(start)
    }

    func now() -> Date { current.withLock { $0 } }

    func sleep(for duration: Duration) async throws {
        slept.withLock { $0.append(duration) }
        advance(duration.seconds)
    }

    func advance(_ seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    var sleeps: [Duration] { slept.withLock { $0 } }
}

/// A provider whose answers are scripted per call; records what it was asked to send.
final class ScriptedProvider: SMSProvider, @unchecked Sendable {
    let name: String
    private let state: Mutex<(script: [Result<DeliveryReceipt, SMSProviderFailure>], sent: [SMSOutgoing])>
    /// Answer used once the script runs out.
    private let fallback: Result<DeliveryReceipt, SMSProviderFailure>?

    init(_ name: String, script: [Result<DeliveryReceipt, SMSProviderFailure>] = [], then fallback: Result<DeliveryReceipt, SMSProviderFailure>? = nil) {
        self.name = name
        self.state = Mutex((script, []))
        self.fallback = fallback ?? .success(DeliveryReceipt(provider: name, providerMessageID: "\(name)-id", code: "201", detail: "queued"))
    }

    func send(_ message: SMSOutgoing) async -> Result<DeliveryReceipt, SMSProviderFailure> {
        state.withLock { state in
            state.sent.append(message)
            return state.script.isEmpty ? fallback! : state.script.removeFirst()
        }
    }

    var sent: [SMSOutgoing] { state.withLock { $0.sent } }

    static func fail(_ name: String, _ disposition: DeliveryDisposition, scope: SMSProviderFailure.Scope, code: String = "500") -> Result<DeliveryReceipt, SMSProviderFailure> {
        .failure(SMSProviderFailure(DeliveryError(disposition: disposition, provider: name, code: code, detail: "scripted \(code)"), scope: scope))
    }
}

enum SMSFixtures {
    static let logger: Logger = {
        var logger = Logger(label: "accolade.test.sms")
        logger.logLevel = .critical
        return logger
    }()

    static func request(to phone: String? = "+6281234567890", text: String = "Selamat! Kode voucher Anda: RW-7Q2K", id: String = "d-1") -> DeliveryRequest {
        DeliveryRequest(
            deliveryID: id, messageID: "m-1", attempt: 1, recipient: Recipient(name: "Ana", phone: phone), content: .sms(text: text),
            createdAt: Date(timeIntervalSince1970: 1_800_000_000))
    }

    static let accountSID = "AC" + String(repeating: "0123456789abcdef", count: 2)
    static let authToken = "test-auth-token-0123456789"
}
