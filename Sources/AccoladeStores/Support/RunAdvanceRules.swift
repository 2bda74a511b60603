import AccoladeCore
import Foundation

/// How an advance changes a run's row, decided the same way by both stores once they have read
/// what the decision needs (the throttle's count, the open digest), so the SQL of each store only
/// reads and writes.
struct RunChange: Sendable, Hashable {
    /// What to do with the run's ``WorkflowRun/digestID``.
    enum Digest: Sendable, Hashable {
        case keep
        case clear
        case set(String)
    }

    var state: RunState
    var cursor: Int
    var dueAt: Date?
    var deadline: Date?
    var digest: Digest
    var reason: String?
    /// Records the store adds after the advance's own (the throttle's or digest's decision).
    var records: [RunStepRecord] = []
    /// Whether an open digest the run owns closes (the run is over, so no claim will close it).
    var closesOwnedDigest = false

    /// The digest column's update: keep the stored value, or write `id` (nil clears it).
    var digestColumn: (keep: Bool, id: String?) {
        switch digest {
        case .keep: (true, nil)
        case .clear: (false, nil)
        case .set(let id): (false, id)
        }
    }
}

/// The rules of ``RunNext``, pure.
enum RunAdvanceRules {
    /// The step-kind keyword of the records the store writes itself.
    static let throttleKind = "throttle"
    static let digestKind = "digest"
    /// The step-kind keyword of the record a cancellation writes (the store does not know the
    /// kind of the step the run was at; `step` names it).
    static let cancelKind = "cancel"

    /// `wake`: scheduled at `step`; the digest is kept only when the run stays at its cursor.
    /// A run woken while it was running (``wokenWhileRunning``) is due at once: the engine
    /// decided without the receipt or redemption that arrived meanwhile.
    static func wake(step: Int, at: Date, deadline: Date?, cursor: Int, wokenWhileRunning: Bool, now: Date) -> RunChange {
        RunChange(
            state: .scheduled, cursor: step, dueAt: wokenWhileRunning ? min(at, now) : at, deadline: deadline,
            digest: step == cursor ? .keep : .clear, reason: nil)
    }

    /// `finish`: over in `state` (which must be final) with `reason`.
    static func finish(_ state: RunState, reason: String?, cursor: Int) -> RunChange {
        RunChange(state: state, cursor: cursor, dueAt: nil, deadline: nil, digest: .keep, reason: reason, closesOwnedDigest: true)
    }

    /// `throttle` given `passes` recorded in the window: whether a pass is recorded, and the change.
    static func throttle(step: Int, limit: Int, passes: Int, over: ThrottleOverflow, now: Date) -> (pass: Bool, change: RunChange) {
        if passes < limit {
            let record = RunStepRecord(
                step: step, kind: throttleKind, outcome: .passed, reason: "pass \(passes + 1) of \(limit) in the window", at: now)
            return (
                true,
                RunChange(
                    state: .scheduled, cursor: step + 1, dueAt: now, deadline: nil, digest: .clear, reason: nil, records: [record])
            )
        }
        switch over {
        case .finish(let reason):
            let record = RunStepRecord(step: step, kind: throttleKind, outcome: .throttled, reason: reason, at: now)
            var change = finish(.completed, reason: reason, cursor: step)
            change.records = [record]
            return (false, change)
        case .goToDigest(let digestStep):
            let reason = "throttled: \(limit) in the window reached; collected by the digest at step \(digestStep)"
            let record = RunStepRecord(step: step, kind: throttleKind, outcome: .throttled, reason: reason, at: now)
            return (
                false,
                RunChange(
                    state: .scheduled, cursor: digestStep, dueAt: now, deadline: nil, digest: .clear, reason: nil,
                    records: [record])
            )
        }
    }

    /// `digest` when an open digest `digestID` took this run's event: the run ends, folded.
    static func joined(step: Int, digestID: String, now: Date) -> RunChange {
        let reason = "folded into digest \(digestID)"
        var change = finish(.completed, reason: reason, cursor: step)
        change.records = [RunStepRecord(step: step, kind: digestKind, outcome: .folded, reason: reason, at: now)]
        change.closesOwnedDigest = false
        return change
    }

    /// `digest` when this run opened digest `digestID`: it waits at the step until `closesAt`.
    static func opened(step: Int, digestID: String, closesAt: Date, now: Date) -> RunChange {
        let record = RunStepRecord(
            step: step, kind: digestKind, outcome: .waiting, reason: "collecting digest \(digestID)", until: closesAt, at: now)
        return RunChange(
            state: .scheduled, cursor: step, dueAt: closesAt, deadline: closesAt, digest: .set(digestID), reason: nil,
            records: [record])
    }

    /// The record a cancellation writes for a run at `cursor`.
    static func cancelled(cursor: Int, cancellationKey: String, now: Date) -> RunStepRecord {
        RunStepRecord(step: cursor, kind: cancelKind, outcome: .cancelled, reason: "cancelled by key \(cancellationKey)", at: now)
    }

    /// The reason a cancelled run keeps.
    static let cancelledReason = "cancelled"

    /// What a cancelled delivery says (`last_error`).
    static let cancelledDeliveryReason = "cancelled with its workflow run"

    /// A new digest id (`dg_` + UUIDv7, like other ids).
    static func digestID(now: Date) -> String { "dg_" + Identifier.make(now: now) }
}

extension WorkflowRun {
    /// The run as the store gives it back: times rounded to the millisecond.
    var storeNormalized: WorkflowRun {
        var r = self
        r.dueAt = StoreTime.normalized(dueAt)
        r.deadline = StoreTime.normalized(deadline)
        r.redeemedAt = StoreTime.normalized(redeemedAt)
        r.createdAt = StoreTime.normalized(createdAt)
        r.updatedAt = StoreTime.normalized(updatedAt)
        return r
    }
}
