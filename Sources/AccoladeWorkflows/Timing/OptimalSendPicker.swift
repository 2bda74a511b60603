import AccoladeCore
import Foundation

/// Picks when a `send_at: optimal` message goes out: the hour within the horizon whose hour of
/// week (on the recipient's wall clock) has the best decayed engagement score — the recipient's
/// own when they have at least ``minimumRecipientEvents`` events, else their cohort's (same
/// locale and zone) when it has at least ``minimumCohortEvents``, else `default_hour`.
///
/// Pure: `now` is a parameter and the history is handed in. The pick is never inside quiet hours,
/// outside the send window, past the horizon or at/after the message's expiry: every candidate
/// hour is first moved to its earliest allowed instant by ``SendTimingRules/earliest(atOrAfter:clock:)``
/// and dropped when that leaves the hour. Wall hours are laid out on ``RunClock``: an hour the
/// clocks skip has no instant and is no candidate; a repeated hour is one candidate starting at
/// its first occurrence.
public struct OptimalSendPicker: Sendable {
    /// Fewer events of one's own than this and the cohort decides: five reads can already show
    /// an evening habit, while two or three are as likely chance.
    public static let minimumRecipientEvents = 5
    /// Fewer cohort events than this and `default_hour` decides.
    public static let minimumCohortEvents = 20

    /// `optimal:`.
    public var config: OptimalSendConfig

    /// A picker for `config`.
    public init(config: OptimalSendConfig = OptimalSendConfig()) {
        self.config = config
    }

    /// Picks from raw events (see ``pick(recipient:cohort:cohortName:clock:rules:now:expiresAt:)``).
    public func pick(history: EngagementHistory, clock: RunClock, rules: SendTimingRules, now: Date, expiresAt: Date?) -> OptimalSendChoice {
        let own = EngagementProfile(events: history.recipient, clock: clock, now: now)
        let cohort =
            own.total >= Self.minimumRecipientEvents
            ? EngagementProfile() : EngagementProfile(events: history.cohort, clock: clock, now: now)
        return pick(recipient: own, cohort: cohort, cohortName: history.cohortName, clock: clock, rules: rules, now: now, expiresAt: expiresAt)
    }

    /// Picks from profiles already built on `clock` (a cohort profile can be shared by many picks).
    public func pick(
        recipient: EngagementProfile, cohort: EngagementProfile, cohortName: String, clock: RunClock, rules: SendTimingRules,
        now: Date, expiresAt: Date?
    ) -> OptimalSendChoice {
        let candidates = self.candidates(clock: clock, rules: rules, now: now, expiresAt: expiresAt)
        let zone = clock.timeZone.identifier
        var short: [String] = []
        if recipient.total >= Self.minimumRecipientEvents {
            if let best = best(of: candidates, profile: recipient) {
                return OptimalSendChoice(
                    at: best.at, basis: .recipient,
                    explanation: "\(label(best.at, clock)) \(zone): \(evidence(recipient, hour: best.hour))")
            }
            short.append("own history: nothing in the horizon")
        } else {
            short.append("own history: \(recipient.total) event\(recipient.total == 1 ? "" : "s"), fewer than \(Self.minimumRecipientEvents)")
        }
        if cohort.total >= Self.minimumCohortEvents, let best = best(of: candidates, profile: cohort) {
            return OptimalSendChoice(
                at: best.at, basis: .cohort,
                explanation: "\(label(best.at, clock)) \(zone), cohort \(cohortName): \(evidence(cohort, hour: best.hour)) (\(short.joined()))")
        }
        let why = recipient.total == 0 && cohort.total < Self.minimumCohortEvents ? "no engagement history" : short.joined()
        return fallback(candidates: candidates, why: why, clock: clock, rules: rules, now: now, expiresAt: expiresAt)
    }

    /// One allowed instant per wall hour in the horizon.
    struct Candidate {
        var at: Date
        var hourOfWeek: Int
        var hour: Int
    }

    func candidates(clock: RunClock, rules: SendTimingRules, now: Date, expiresAt: Date?) -> [Candidate] {
        let last = min(now.addingTimeInterval(config.horizon), expiresAt.map { $0.addingTimeInterval(-1) } ?? .distantFuture)
        let wall = clock.wallTime(of: now)
        let firstHour = Int(wall.secondOfDay / 3600)
        var out: [Candidate] = []
        // Enough wall hours to cover the horizon even across a day that repeats an hour.
        for k in 0...(Int(config.horizon / 3600) + 2) {
            let h = firstHour + k
            let day = wall.day.adding(days: h / 24), hour = h % 24
            let start = clock.instant(day: day, at: TimeOfDay(hour: hour))
            let next = clock.instant(day: day.adding(days: (hour + 1) / 24), at: TimeOfDay(hour: (hour + 1) % 24))
            guard next > start else { continue }  // skipped by a clock change
            let from = max(start, now)
            guard from < next, from <= last else { continue }
            guard let allowed = rules.earliest(atOrAfter: from, clock: clock) else { return [] }
            guard allowed.at < next, allowed.at <= last else { continue }
            out.append(Candidate(at: allowed.at, hourOfWeek: EngagementProfile.hourOfWeek(day: day, hour: hour), hour: hour))
        }
        return out
    }

    /// The best-scoring candidate (the earliest of equals); nil when nothing scores above zero.
    func best(of candidates: [Candidate], profile: EngagementProfile) -> Candidate? {
        var best: (Candidate, Double)?
        for candidate in candidates {
            let score = profile.score(hourOfWeek: candidate.hourOfWeek)
            if score > 0, score > (best?.1 ?? 0) { best = (candidate, score) }
        }
        return best?.0
    }

    func fallback(candidates: [Candidate], why: String, clock: RunClock, rules: SendTimingRules, now: Date, expiresAt: Date?) -> OptimalSendChoice {
        let zone = clock.timeZone.identifier
        let hour = config.defaultHour
        // The next default hour (now, if it is that minute), moved out of quiet hours and into
        // the window as claim time would move it, if that is still within the horizon.
        let next = clock.nextOccurrence(of: hour, after: now.addingTimeInterval(-60))
        let wanted = rules.earliest(atOrAfter: max(next, now), clock: clock).map(\.at).flatMap {
            isInside($0, now: now, expiresAt: expiresAt) ? $0 : nil
        }
        if let wanted {
            return OptimalSendChoice(at: wanted, basis: .default, explanation: "\(label(wanted, clock)) \(zone): \(why): default \(hour)")
        }
        if let first = candidates.first {
            return OptimalSendChoice(
                at: first.at, basis: .default,
                explanation: "\(label(first.at, clock)) \(zone): \(why); default \(hour) is not allowed within the horizon: earliest allowed time")
        }
        return OptimalSendChoice(
            at: now, basis: .default,
            explanation: "no allowed time within the horizon (\(Int(config.horizon / 3600))h) and before expiry: left to the claim-time check (\(why))")
    }

    func isInside(_ t: Date, now: Date, expiresAt: Date?) -> Bool {
        t >= now && t <= now.addingTimeInterval(config.horizon) && (expiresAt.map { t < $0 } ?? true)
    }

    func label(_ t: Date, _ clock: RunClock) -> String {
        let wall = clock.wallTime(of: t)
        let day = Weekday(dayNumber: wall.day.dayNumber).rawValue.capitalized
        let seconds = Int(wall.secondOfDay)
        return "\(day) \(wall.day) \(TimeOfDay(hour: seconds / 3600, minute: seconds % 3600 / 60))"
    }

    func evidence(_ profile: EngagementProfile, hour: Int) -> String {
        let next = TimeOfDay(hour: (hour + 1) % 24)
        return "\(profile.count(hourOfDay: hour)) of \(profile.total) past engagements between \(TimeOfDay(hour: hour)) and \(next == TimeOfDay(hour: 0) ? "24:00" : next.description)"
    }
}

/// What ``OptimalSendPicker`` chose, and why (shown by `status` and `GET /v1/messages/{id}`).
public struct OptimalSendChoice: Sendable, Hashable {
    /// What decided.
    public enum Basis: String, Sendable, Hashable {
        /// The recipient's own engagement.
        case recipient
        /// Their cohort's (same locale and zone).
        case cohort
        /// `optimal.default_hour`, or the earliest allowed time.
        case `default`
    }

    /// When to send.
    public var at: Date
    /// What decided.
    public var basis: Basis
    /// One line saying why: `Tue 2026-12-08 19:00 Asia/Jakarta: 7 of 9 past engagements between 19:00 and 20:00`.
    public var explanation: String
}
