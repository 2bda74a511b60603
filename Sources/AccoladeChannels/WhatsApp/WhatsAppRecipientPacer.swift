import Foundation

/// Per-recipient holds after Meta's pair rate limit (131056, about one message per 6 s to the
/// same user): pure, time passed in.
///
/// Only the recipient that hit the limit waits; the channel's token bucket is untouched, so
/// everyone else keeps the full rate. Holds expire by themselves, and the table is bounded.
public struct WhatsAppRecipientPacer: Sendable, Hashable {
    private var holds: [String: Date] = [:]
    /// Most recipients held at once; the oldest holds are dropped beyond it.
    public let capacity: Int

    /// Creates an empty pacer.
    public init(capacity: Int = 10_000) {
        self.capacity = max(1, capacity)
    }

    /// Holds `recipient` until `until` (a later hold wins).
    public mutating func hold(_ recipient: String, until: Date, now: Date) {
        if holds.count >= capacity { holds = holds.filter { $0.value > now } }
        if holds.count >= capacity, let oldest = holds.min(by: { $0.value < $1.value })?.key { holds.removeValue(forKey: oldest) }
        if let current = holds[recipient], current >= until { return }
        holds[recipient] = until
    }

    /// The wait before `recipient` may be sent to again, or nil when it may go now.
    public mutating func wait(for recipient: String, now: Date) -> TimeInterval? {
        guard let until = holds[recipient] else { return nil }
        guard until > now else {
            holds.removeValue(forKey: recipient)
            return nil
        }
        return until.timeIntervalSince(now)
    }

    /// How many recipients are held (tests and status output).
    public var count: Int { holds.count }
}
