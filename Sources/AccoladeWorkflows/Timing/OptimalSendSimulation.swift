import AccoladeCore
import Foundation

/// A seeded, deterministic test of ``OptimalSendPicker`` on synthetic recipients (what
/// `accolade bench optimal-send` and the test suite run): each recipient has a hidden preferred
/// hour and a noisy engagement history around it; each gets one message sent at a random moment
/// of a week, either at once or at the picker's choice, and a send counts as a hit when its wall
/// hour is within ±1 h of the hidden hour (3 of 24 hours: immediate sending hits 12.5 %).
///
/// Noise model (per recipient, on their own wall clock):
/// - zone: one of six, round robin, each with a typical hour (Jakarta 19:00, Berlin 08:00 …);
/// - hidden hour: half the recipients near their zone's typical hour (±2 h, uniform), half
///   anywhere from 07:00 to 22:00 — so the cohort says something, but not everything;
/// - events: 0–24 (uniform; about one in five has fewer than five and falls back), each on a
///   uniform day of the last 60 days at a uniform minute; with probability 0.6 in the hidden hour
///   shifted by a normal error (σ = 0.7 h, rounded to whole hours), else in a uniform hour of
///   the day (reads whenever the phone happens to be in hand);
/// - the cohort: every event of the zone's recipients, newest 2,000, built once per zone.
public struct OptimalSendSimulation: Sendable {
    /// The zones and their typical hours.
    public static let zones: [(zone: String, locale: String, hour: Int)] = [
        ("Asia/Jakarta", "id", 19), ("Europe/Berlin", "de", 8), ("America/New_York", "en", 20),
        ("America/Sao_Paulo", "pt", 12), ("Australia/Sydney", "en", 21), ("Asia/Kolkata", "hi", 13),
    ]

    /// What a run found.
    public struct Result: Sendable, Hashable {
        /// Recipients simulated.
        public var recipients: Int
        /// Optimal sends within ±1 h of the hidden hour.
        public var optimalHits: Int
        /// Immediate sends within ±1 h.
        public var immediateHits: Int
        /// Picks by basis (recipient, cohort, default).
        public var bases: [String: Int]

        /// Share of optimal hits.
        public var optimalShare: Double { Double(optimalHits) / Double(max(recipients, 1)) }
        /// Share of immediate hits.
        public var immediateShare: Double { Double(immediateHits) / Double(max(recipients, 1)) }
        /// How many times better optimal is.
        public var lift: Double { optimalShare / max(immediateShare, 1e-9) }
    }

    /// Recipients to simulate.
    public var recipients: Int
    /// The seed: equal seeds give equal results.
    public var seed: UInt64
    /// The picker (its config's horizon and default hour).
    public var picker: OptimalSendPicker

    /// A simulation.
    public init(recipients: Int, seed: UInt64 = 17, picker: OptimalSendPicker = OptimalSendPicker()) {
        self.recipients = recipients
        self.seed = seed
        self.picker = picker
    }

    struct Person {
        var zone: Int
        var hidden: Int
        var events: [EngagementEvent]
        var now: Date
    }

    /// Runs it.
    public func run() -> Result {
        var rng = SplitMix64(seed: seed)
        let base = Date(timeIntervalSince1970: 1_793_577_600)  // 2026-11-02T00:00:00Z, a Monday
        let clocks = Self.zones.map { RunClock(timeZone: TimeZone(identifier: $0.zone)!) }
        var people: [Person] = []
        people.reserveCapacity(recipients)
        for i in 0..<recipients {
            let zone = i % Self.zones.count, clock = clocks[zone]
            let hidden =
                rng.unit() < 0.5 ? (Self.zones[zone].hour + Int(rng.next() % 5) - 2 + 24) % 24 : 7 + Int(rng.next() % 16)
            let now = base.addingTimeInterval(Double(rng.next() % (7 * 86_400)))
            let today = clock.wallTime(of: now).day
            var events: [EngagementEvent] = []
            for _ in 0..<Int(rng.next() % 25) {
                let day = today.adding(days: -1 - Int(rng.next() % 60))
                let hour = rng.unit() < 0.6 ? ((hidden + Int((rng.normal() * 0.7).rounded())) % 24 + 24) % 24 : Int(rng.next() % 24)
                let at = clock.instant(day: day, at: TimeOfDay(hour: hour, minute: Int(rng.next() % 60)))
                events.append(EngagementEvent(at: at, kind: EngagementEvent.Kind.allCases[Int(rng.next() % 4)]))
            }
            people.append(Person(zone: zone, hidden: hidden, events: events, now: now))
        }
        let cohorts = (0..<Self.zones.count).map { zone -> EngagementProfile in
            let events = people.filter { $0.zone == zone }.flatMap(\.events).sorted { $0.at > $1.at }.prefix(EngagementHistory.cohortLimit)
            return EngagementProfile(events: Array(events), clock: clocks[zone], now: base)
        }
        var result = Result(recipients: recipients, optimalHits: 0, immediateHits: 0, bases: [:])
        let open = SendTimingRules(quietHours: nil, sendWindow: nil)
        for person in people {
            let clock = clocks[person.zone]
            let own = EngagementProfile(events: person.events, clock: clock, now: person.now)
            let choice = picker.pick(
                recipient: own, cohort: cohorts[person.zone],
                cohortName: "\(Self.zones[person.zone].locale)/\(Self.zones[person.zone].zone)", clock: clock, rules: open,
                now: person.now, expiresAt: nil)
            result.bases[choice.basis.rawValue, default: 0] += 1
            if Self.near(choice.at, person.hidden, clock) { result.optimalHits += 1 }
            if Self.near(person.now, person.hidden, clock) { result.immediateHits += 1 }
        }
        return result
    }

    /// Whether `t`'s wall hour is within one hour of `hidden` (around midnight too).
    static func near(_ t: Date, _ hidden: Int, _ clock: RunClock) -> Bool {
        let hour = Int(clock.wallTime(of: t).secondOfDay / 3600)
        let d = abs(hour - hidden)
        return min(d, 24 - d) <= 1
    }
}

/// SplitMix64: a tiny seeded generator, so a simulation is the same on every machine.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    /// Standard normal (Box–Muller).
    mutating func normal() -> Double {
        let u = max(unit(), 1e-12), v = unit()
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
}
