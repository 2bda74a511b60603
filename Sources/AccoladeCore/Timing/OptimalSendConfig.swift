import Foundation

/// `optimal: { horizon: 24h, default_hour: "10:00" }`: how `send_at: optimal` picks a time.
///
/// The pick lies within `horizon` of the moment the message is accepted (or a workflow step
/// enqueues it); `default_hour` (recipient's wall clock) is used when neither the recipient nor
/// their cohort has engaged often enough to tell.
public struct OptimalSendConfig: Sendable, Hashable {
    /// The default for ``horizon``: one day, so every hour of the day is a candidate once.
    public static let defaultHorizon: TimeInterval = 86_400
    /// The accepted horizons: at least an hour (a shorter one has nothing to choose between), at
    /// most a week (hour-of-week is all the picker models; a longer wait only delays the message).
    public static let horizonBounds: ClosedRange<TimeInterval> = 3600...(7 * 86_400)

    /// How far ahead of `now` the pick may lie, seconds.
    public var horizon: TimeInterval
    /// The wall-clock time used without engagement history.
    public var defaultHour: TimeOfDay

    /// Creates the section.
    public init(horizon: TimeInterval = OptimalSendConfig.defaultHorizon, defaultHour: TimeOfDay = TimeOfDay(hour: 10)) {
        self.horizon = horizon
        self.defaultHour = defaultHour
    }

    init(_ node: ConfigNode) throws(ConfigError) {
        horizon = try node.duration("horizon") ?? Self.defaultHorizon
        guard Self.horizonBounds.contains(horizon) else {
            throw ConfigError(path: node.path(of: "horizon"), reason: "must be between 1h and 7d (e.g. 24h), got \(Int(horizon))s")
        }
        if try node.string("default_hour") == nil {
            defaultHour = TimeOfDay(hour: 10)
        } else {
            defaultHour = try TimeOfDay.parse(node, "default_hour")
        }
        try node.rejectUnknownKeys()
    }
}
