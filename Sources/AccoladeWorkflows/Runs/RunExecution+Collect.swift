import AccoladeCore
import Foundation

/// The steps the store decides with the run's siblings: `throttle` counts a recipient's runs,
/// `digest` gathers their events. The engine names the step and its parameters; the store
/// writes the records (pass, throttled, folded, waiting) in the advance's transaction.
extension RunExecution {
    /// `throttle: {limit, per, then}` → ``RunNext/throttle(step:limit:since:over:)`` counting
    /// passes since `now - per`; over the limit the run ends (`skip`) or moves to the next
    /// `digest` step (`digest`; ``WorkflowCheck`` refuses `then: digest` without one, and a run
    /// of a workflow that somehow has none ends as for `skip`).
    mutating func throttle(_ throttle: WorkflowThrottle, at index: Int) -> StepResult {
        let reason = "throttled: \(throttle.limit) per \(DurationText.format(throttle.per)) reached"
        var over = ThrottleOverflow.finish(reason: reason)
        if throttle.overflow == .digest,
            let digest = workflow.steps[(index + 1)...].firstIndex(where: { if case .digest = $0.action { true } else { false } })
        {
            over = .goToDigest(step: digest)
        }
        return .stop(.throttle(step: index, limit: throttle.limit, since: now.addingTimeInterval(-throttle.per), over: over))
    }

    /// `digest: {window | until, key?, send}`.
    ///
    /// Reached without a digest of its own → ``RunNext/digest(step:key:closesAt:)``: the store
    /// folds the run into an open digest of the same key or opens one owned by this run, closing
    /// `window` from now or at the next `until` in the recipient's zone. The owner, claimed once
    /// the digest closed, gets the events and sends one message whose data is the run's data plus
    /// `events`; claimed earlier (released lease), it goes back to waiting for the window.
    mutating func digest(_ digest: WorkflowDigest, at index: Int) -> StepResult {
        if index == run.cursor, run.digestID != nil {
            guard let events = claimed.digestEvents else {
                return .stop(.wake(step: index, at: run.deadline ?? now, deadline: run.deadline))
            }
            planSend(
                digest.send, at: index, data: PlannedSend.digestData(run.data, events: events),
                reason: "digest of \(events.count) event\(events.count == 1 ? "" : "s")")
            return .proceed
        }
        let closesAt: Date
        switch digest.window {
        case .duration(let seconds): closesAt = now.addingTimeInterval(seconds)
        case .until(let time): closesAt = clock.nextOccurrence(of: time, after: now)
        }
        return .stop(.digest(step: index, key: digestKey(digest), closesAt: closesAt))
    }

    /// The digest key: the recipient key, or with `key:` the recipient key and the value at that
    /// path together (`["ana@example.com","team-7"]`, JSON so no two pairs give one text). A
    /// digest is always one recipient's — its one message lists the events, and another person's
    /// events must never appear in it — so `key:` splits a recipient's events into groups, as a
    /// digest key does in Novu and Knock; a missing value is a group of its own (`null`).
    func digestKey(_ digest: WorkflowDigest) -> String {
        guard let path = digest.key else { return run.recipientKey }
        let value = ConditionEvaluator(data: run.data, recipient: .null).resolve(path) ?? .null
        let pair = JSONValue.array([.string(run.recipientKey), value])
        // Run data came in as JSON, so it has no NaN or infinity and always has a text.
        return (try? pair.jsonText()) ?? run.recipientKey + "\n" + "\(value)"
    }
}
