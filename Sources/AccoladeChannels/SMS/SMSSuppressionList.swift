import Synchronization

/// Numbers that must not receive SMS (opted out with STOP, or Twilio said 21610).
///
/// The SMS channel asks before calling any provider and ends a suppressed delivery as `skipped`
/// with the reason. The store-backed list (shared by every process) implements this protocol;
/// ``InMemorySMSSuppressionList`` serves tests and single-process use.
public protocol SMSSuppressionList: Sendable {
    /// The reason `number` is suppressed, or nil when it may receive SMS.
    func suppressionReason(for number: String) async throws -> String?
    /// Adds `number` (idempotent; the first reason is kept).
    func suppress(_ number: String, reason: String) async throws
    /// Removes `number` (idempotent).
    func unsuppress(_ number: String) async throws
}

/// A process-local suppression list.
public final class InMemorySMSSuppressionList: SMSSuppressionList {
    private let entries: Mutex<[String: String]>

    /// Creates a list with some numbers already suppressed (number → reason).
    public init(_ initial: [String: String] = [:]) {
        entries = Mutex(initial)
    }

    /// The reason `number` is suppressed, or nil.
    public func suppressionReason(for number: String) async throws -> String? {
        entries.withLock { $0[number] }
    }

    /// Adds `number`, keeping an existing reason.
    public func suppress(_ number: String, reason: String) async throws {
        entries.withLock { if $0[number] == nil { $0[number] = reason } }
    }

    /// Removes `number`.
    public func unsuppress(_ number: String) async throws {
        _ = entries.withLock { $0.removeValue(forKey: number) }
    }

    /// Every suppressed number with its reason, sorted by number.
    public var all: [(number: String, reason: String)] {
        entries.withLock { $0.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } }
    }
}
