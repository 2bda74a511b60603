import Foundation

/// Durations as workflow files write them (`3d`, `24h`, `30m`), for step records' reasons:
/// "throttled: 3 per 1d reached", "no read within 24h".
enum DurationText {
    /// The largest unit that divides `seconds` exactly: `86400` → `1d`, `5400` → `90m`, `1.5` → `1500ms`.
    static func format(_ seconds: TimeInterval) -> String {
        let millis = (seconds * 1000).rounded()
        guard millis.truncatingRemainder(dividingBy: 1000) == 0 else { return String(Int64(millis)) + "ms" }
        let whole = Int64(millis / 1000)
        for (unit, size) in [("d", Int64(86_400)), ("h", 3600), ("m", 60)] where whole != 0 && whole % size == 0 {
            return String(whole / size) + unit
        }
        return String(whole) + "s"
    }
}
