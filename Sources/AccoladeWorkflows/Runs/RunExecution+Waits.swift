import AccoladeCore
import Foundation

/// The steps that pause the run: `delay`, `wait`, `remind`.
///
/// Each computes its moment on the run's first arrival and returns
/// `.wake(step, at: moment, deadline: moment)`; the store keeps the deadline, so a claim that
/// comes back before it (an early wake: a receipt, a redemption, a released lease) sees the same
/// deadline and either goes on (the wait was satisfied) or goes back to sleep without a new
/// record.
extension RunExecution {
    /// `delay: {for}` waits that long; `delay: {until, at?}` until the date in the data, in the
    /// recipient's zone (a date alone at `at`, default 00:00). A moment already past lets the run
    /// go on at once (`passed`); a date that is missing or is not a date fails the run, since
    /// nothing says when it should go on.
    mutating func delay(_ delay: WorkflowDelay, at index: Int) -> StepResult {
        if let deadline = resumedDeadline(index) {
            guard now >= deadline else { return .stop(.wake(step: index, at: deadline, deadline: deadline)) }
            record(index, .passed, reason: "delay over")
            return .proceed
        }
        let moment: Date
        let reason: String
        switch delay {
        case .duration(let seconds):
            moment = now.addingTimeInterval(seconds)
            reason = "for " + DurationText.format(seconds)
        case .until(let path, let at):
            let read = readDate(path)
            guard case .date(let date, let written) = read else { return fail(index, read.problem ?? "no date") }
            switch date {
            case .day(let day): moment = clock.instant(day: day, at: at ?? TimeOfDay.midnight)
            case .local(let wall): moment = clock.instant(of: wall)
            case .instant(let instant): moment = instant
            }
            reason = "until \(path) (\(written))"
        }
        guard moment > now else {
            record(index, .passed, reason: "\(text(moment)) already passed")
            return .proceed
        }
        record(index, .waiting, reason: reason, until: moment)
        return .stop(.wake(step: index, at: moment, deadline: moment))
    }

    /// `wait: {for, within}` + `else`: goes on (`passed`) as soon as the previous send reached the
    /// state (`delivered` also by `read`) or the run was redeemed; otherwise waits until `within`
    /// after the first arrival, then records `timedOut`, sends the `else` if any, and goes on.
    /// When the step it waits on — the nearest `send` or `digest` before it, as `workflows check`
    /// sees it — was skipped by its `if:`, the wait is `skipped` too, its `else` included: no
    /// message went out whose receipt (or reward) could be missing. Conditions read only the
    /// run's data and recipient, which never change, so that step's condition tells on any claim
    /// whether it sent.
    mutating func wait(_ wait: WorkflowWait, at index: Int) -> StepResult {
        if resumedDeadline(index) == nil, let why = nothingToWaitOn(before: index) {
            record(index, .skipped, reason: why)
            return .proceed
        }
        if let reached = reached(wait.target) {
            record(index, .passed, reason: reached)
            return .proceed
        }
        let target = wait.target.rawValue, within = DurationText.format(wait.within)
        guard let deadline = resumedDeadline(index) else {
            let deadline = now.addingTimeInterval(wait.within)
            record(index, .waiting, reason: "for \(target) within \(within)", until: deadline)
            return .stop(.wake(step: index, at: deadline, deadline: deadline))
        }
        guard now >= deadline else { return .stop(.wake(step: index, at: deadline, deadline: deadline)) }
        record(index, .timedOut, reason: "no \(target) within \(within)")
        if let otherwise = wait.otherwise {
            planSend(otherwise, at: index, data: run.data, reason: "else: no \(target) within \(within)")
        }
        return .proceed
    }

    /// Why a wait at `index` has nothing to wait on, or nil when it has.
    func nothingToWaitOn(before index: Int) -> String? {
        let evaluator = ConditionEvaluator(data: run.data, recipient: run.recipient.conditionValue)
        guard let previous = workflow.steps[..<index].lastIndex(where: { $0.action.isSendingStep }) else {
            return "nothing sent to wait on (no send step before this wait)"
        }
        if let condition = workflow.steps[previous].condition, !evaluator.truth(condition.expression) {
            return "nothing sent to wait on (steps[\(previous)] was skipped: condition false)"
        }
        // A run resumed at a wait whose send is behind the cursor has its message on record; one
        // without (a run started before the workflow file gained that send) has nothing either.
        if run.lastMessageID == nil, !sentInThisAdvance { return "nothing sent to wait on" }
        return nil
    }

    /// Why a wait's target is reached ("read", "delivered", "redeemed at …"), or nil.
    func reached(_ target: WaitTarget) -> String? {
        let states = sentInThisAdvance ? [] : claimed.lastMessageStates
        switch target {
        case .redeemed: return run.redeemedAt.map { "redeemed at " + text($0) }
        case .read: return states.contains(.read) ? "read" : nil
        case .delivered: return states.contains(.delivered) ? "delivered" : states.contains(.read) ? "read" : nil
        }
    }

    /// `remind: {before, offset, at?}`: the moment is the date at `before` less `offset` (whole
    /// days on the calendar, so "3d before" keeps the time of day across a clock change), at `at`
    /// if given (else the date-time's own time of day, 00:00 for a date), in the recipient's zone.
    ///
    /// Skipped (the run goes on) when redeemed first with `unless: redeemed` — on arrival or
    /// when woken by the redemption — when the moment had passed when the run reached the step,
    /// or when the data has no date there (a reward that never expires needs no reminder). A
    /// value that is there but is no date fails the run, like a delay's.
    mutating func remind(_ remind: WorkflowRemind, at index: Int) -> StepResult {
        if remind.unlessRedeemed, let redeemedAt = run.redeemedAt {
            record(index, .skipped, reason: "redeemed at " + text(redeemedAt))
            return .proceed
        }
        if let deadline = resumedDeadline(index) {
            guard now >= deadline else { return .stop(.wake(step: index, at: deadline, deadline: deadline)) }
            planSend(remind.send, at: index, data: run.data)
            return .proceed
        }
        let read = readDate(remind.before)
        if case .missing(let why) = read {
            record(index, .skipped, reason: why)
            return .proceed
        }
        guard case .date(let date, let written) = read else { return fail(index, read.problem ?? "no date") }
        var wall = date.wallTime(in: clock).subtracting(seconds: remind.offset)
        if let at = remind.at { wall = WallTime(day: wall.day, at: at) }
        let moment = clock.instant(of: wall)
        if moment < now {
            record(index, .skipped, reason: "reminder moment \(text(moment)) already passed")
            return .proceed
        }
        if moment == now {
            planSend(remind.send, at: index, data: run.data)
            return .proceed
        }
        record(index, .waiting, reason: "\(DurationText.format(remind.offset)) before \(remind.before) (\(written))", until: moment)
        return .stop(.wake(step: index, at: moment, deadline: moment))
    }

    /// The value at a step's date path.
    enum DateRead {
        /// A date, and the text it was read from.
        case date(DataDate, String)
        /// Absent or `null`.
        case missing(String)
        /// There, but not a date.
        case invalid(String)

        /// What is wrong, unless it is a date.
        var problem: String? {
            switch self {
            case .date: nil
            case .missing(let why), .invalid(let why): why
            }
        }
    }

    func readDate(_ path: DataPath) -> DateRead {
        let evaluator = ConditionEvaluator(data: run.data, recipient: .null)
        guard let value = evaluator.resolve(path), value != .null else { return .missing("\(path) is missing") }
        let expected = "expected a date like \"2026-12-31\" or a date-time like \"2026-12-31T09:00:00+07:00\""
        guard case .string(let text) = value else { return .invalid("\(path) is not a date (\(expected))") }
        guard let date = DataDate(text) else { return .invalid("\(path) is \"\(text.prefix(40))\", not a date (\(expected))") }
        return .date(date, text)
    }
}

extension TimeOfDay {
    /// 00:00.
    static let midnight = TimeOfDay("00:00")!
}
