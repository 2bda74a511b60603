import Foundation

/// What happened at one step of a run: the history `GET /v1/runs/{id}` and `accolade runs show`
/// print, one record per decision (a `wait` that is woken and goes back to waiting writes one
/// record when it first waits and one when it ends).
public struct RunStepRecord: Sendable, Hashable, Codable {
    /// The step's index in the workflow's `steps`.
    public var step: Int
    /// The step kind's keyword (`send`, `wait`, …).
    public var kind: String
    /// What happened.
    public var outcome: RunStepOutcome
    /// Why, for people: "condition false: data.reward.voucher.amount >= 100000",
    /// "throttled: 3 per 1d reached", "folded into digest dg_…", "read at …".
    public var reason: String?
    /// The message the step created (`send`, a `wait`'s `else`, `remind`, `digest`).
    public var messageID: String?
    /// For a step that waits: when it will go on by itself.
    public var until: Date?
    /// When the decision was made.
    public var at: Date

    /// Creates a record.
    public init(step: Int, kind: String, outcome: RunStepOutcome, reason: String? = nil, messageID: String? = nil, until: Date? = nil, at: Date) {
        self.step = step
        self.kind = kind
        self.outcome = outcome
        self.reason = reason
        self.messageID = messageID
        self.until = until
        self.at = at
    }
}

/// The outcome of one step decision.
public enum RunStepOutcome: String, Sendable, Hashable, Codable, CaseIterable {
    /// A message was created (send, remind, digest, or a wait's `else`).
    case sent
    /// The run pauses here until ``RunStepRecord/until`` (delay, wait, remind, digest window) or a wake.
    case waiting
    /// A wait's target was reached, a delay or throttle passed: the run goes on.
    case passed
    /// A wait's `within` passed first (its `else`, if any, is a separate `sent` record).
    case timedOut
    /// Not run: condition false, reminder moment already past, redeemed, or nothing to send.
    case skipped
    /// Over a throttle's limit (`then: skip` ends the run; `then: digest` moves it to the digest).
    case throttled
    /// This run's event joined another run's digest; this run ends here.
    case folded
    /// Could not be carried out (reason says why); the run fails.
    case failed
    /// Ended by cancellation.
    case cancelled
}
