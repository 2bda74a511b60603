import AccoladeCore
import Foundation

/// The channels a worker has paused because their provider is misconfigured, kept apart from I/O.
///
/// A paused channel is left out of claims; when its probe falls due the worker claims one of its
/// deliveries on its own. A probe that fails the same way doubles the wait (capped); one that gets
/// anything else — sent, or an ordinary failure that the retry policy handles — resumes the
/// channel. A probe is a real delivery attempt that uses up no attempt when it fails this way.
struct ChannelPauses {
    /// Probe timing.
    struct Settings: Hashable {
        /// Wait before the first probe.
        var firstProbe: TimeInterval = 5
        /// Longest wait between probes.
        var maxProbe: TimeInterval = 300
    }

    /// One paused channel.
    struct Pause: Hashable {
        var provider: String
        var configKey: String
        var reason: String
        var since: Date
        var nextProbeAt: Date
        var wait: TimeInterval
        /// The delivery being probed, while a probe is out.
        var probe: String?
    }

    /// What a result changed.
    enum Change: Hashable {
        /// The channel was just paused.
        case paused(Pause)
        /// A probe failed the same way; the next one is later.
        case probeFailed(Pause)
        /// The channel works again after being paused this long.
        case resumed(after: TimeInterval)
        /// Nothing to report.
        case unchanged
    }

    let settings: Settings
    private(set) var paused: [ChannelKind: Pause] = [:]

    init(settings: Settings = Settings()) {
        self.settings = settings
    }

    /// Channels to leave out of ordinary claims.
    var excluded: Set<ChannelKind> { Set(paused.keys) }

    /// When the channel's deliveries should next be tried (what a paused delivery's
    /// `next_attempt_at` becomes), nil when it is not paused.
    func nextProbe(_ channel: ChannelKind) -> Date? { paused[channel]?.nextProbeAt }

    /// A delivery of `channel` came back misconfigured.
    mutating func misconfigured(
        _ channel: ChannelKind, deliveryID: String, provider: String, key: String, reason: String, now: Date
    ) -> Change {
        guard var pause = paused[channel] else {
            let pause = Pause(
                provider: provider, configKey: key, reason: reason, since: now,
                nextProbeAt: now.addingTimeInterval(settings.firstProbe), wait: settings.firstProbe)
            paused[channel] = pause
            return .paused(pause)
        }
        // Deliveries that were in flight when the channel was paused report the same fault: only
        // the probe's answer moves the schedule.
        guard pause.probe == deliveryID else { return .unchanged }
        pause.wait = min(settings.maxProbe, pause.wait * 2)
        pause.nextProbeAt = now.addingTimeInterval(pause.wait)
        pause.probe = nil
        pause.reason = reason
        paused[channel] = pause
        return .probeFailed(pause)
    }

    /// A delivery of `channel` came back with anything but a configuration fault.
    mutating func answered(_ channel: ChannelKind, deliveryID: String, sent: Bool, now: Date) -> Change {
        guard let pause = paused[channel], sent || pause.probe == deliveryID else { return .unchanged }
        paused[channel] = nil
        return .resumed(after: now.timeIntervalSince(pause.since))
    }

    /// Channels whose probe is due now (not already out).
    func dueProbes(now: Date) -> [ChannelKind] {
        paused.filter { $0.value.probe == nil && now >= $0.value.nextProbeAt }.keys.sorted { $0.rawValue < $1.rawValue }
    }

    /// A probe of `channel` went out with this delivery.
    mutating func probing(_ channel: ChannelKind, deliveryID: String) {
        paused[channel]?.probe = deliveryID
    }

    /// A probe found nothing of `channel` to deliver: look again after the same wait.
    mutating func nothingToProbe(_ channel: ChannelKind, now: Date) {
        guard var pause = paused[channel] else { return }
        pause.nextProbeAt = now.addingTimeInterval(pause.wait)
        paused[channel] = pause
    }

    /// A probe delivery was handed back unfinished (shutdown, store trouble): probe again when due.
    mutating func probeReturned(deliveryID: String) {
        for (channel, pause) in paused where pause.probe == deliveryID { paused[channel]?.probe = nil }
    }
}
