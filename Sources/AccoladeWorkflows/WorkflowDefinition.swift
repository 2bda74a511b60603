import AccoladeCore
import Foundation

/// One workflow: the steps a run takes when the event named by ``event`` happens to a recipient.
///
/// Read from one file of the workflows folder (`config/workflows/deal-closed-reward.yml`) by
/// ``WorkflowFileParser``; checked against templates and channels by ``WorkflowCheck``.
public struct WorkflowDefinition: Sendable, Hashable {
    /// `name:` unique across the folder, e.g. `deal-closed-reward`.
    public var name: String
    /// `on:` the event name that starts a run, e.g. `deal.closed`.
    public var event: String
    /// `category:` of the messages it sends, or `nil` to leave it to each template's manifest
    /// (then `rewards`); checked against the configuration's `categories:` by ``WorkflowCheck``.
    public var category: String?
    /// `reward_value:` the data paths (without `data.`) that may hold the reward's value of the
    /// messages it sends, first present wins, tried before the template manifest's own
    /// `reward_value:` (one event's data may carry the value where no template expects it).
    public var rewardValuePaths: [String] = []
    /// `steps:` in order, never empty.
    public var steps: [WorkflowStep]
    /// The file it was read from, as given to the parser (for messages).
    public var file: String

    /// Creates a definition.
    public init(name: String, event: String, category: String? = nil, steps: [WorkflowStep], file: String) {
        self.name = name
        self.event = event
        self.category = category
        self.steps = steps
        self.file = file
    }
}

/// One step: what it does, and the optional `if:` that must hold for it to run.
public struct WorkflowStep: Sendable, Hashable {
    /// `if:`; a step whose condition is false is skipped (the run goes on with the next step).
    public var condition: Condition?
    /// What the step does.
    public var action: Action

    /// Creates a step.
    public init(condition: Condition? = nil, action: Action) {
        self.condition = condition
        self.action = action
    }

    /// The step kinds; a step has exactly one.
    public enum Action: Sendable, Hashable {
        /// `send:` one message.
        case send(WorkflowSend)
        /// `delay:` pause the run.
        case delay(WorkflowDelay)
        /// `wait:` (with an optional step-level `else:`) for a state of the previous send.
        case wait(WorkflowWait)
        /// `digest:` collect this recipient's events for a while, then send one message.
        case digest(WorkflowDigest)
        /// `throttle:` let at most `limit` runs per recipient through per period.
        case throttle(WorkflowThrottle)
        /// `remind:` send a reminder a while before a date from the data.
        case remind(WorkflowRemind)

        /// The key naming the kind in the file (`send`, `wait`, …).
        public var keyword: String {
            switch self {
            case .send: "send"
            case .delay: "delay"
            case .wait: "wait"
            case .digest: "digest"
            case .throttle: "throttle"
            case .remind: "remind"
            }
        }

        /// The message this step may send itself (`send`, `digest`, `remind`), or for `wait`, its `else`.
        public var sends: [WorkflowSend] {
            switch self {
            case .send(let s): [s]
            case .digest(let d): [d.send]
            case .remind(let r): [r.send]
            case .wait(let w): w.otherwise.map { [$0] } ?? []
            case .delay, .throttle: []
            }
        }
    }
}

/// `send: {template, channels?, mode?, locale?}`: one message, as `accolade send` would make it.
public struct WorkflowSend: Sendable, Hashable {
    /// A template folder name.
    public var template: String
    /// The channels in order; `nil` = every configured channel the template has a part for and
    /// the recipient an address for (as for `POST /v1/messages`).
    public var channels: [ChannelKind]?
    /// `all` (default) or `fallback`.
    public var mode: RouteMode?
    /// A BCP 47 locale overriding the recipient's.
    public var locale: String?
    /// `send_at: optimal` (send steps only): the message goes out at the hour within
    /// `optimal.horizon` when the recipient has engaged most, picked when the step enqueues it.
    public var optimalSendAt = false

    /// Creates a send.
    public init(template: String, channels: [ChannelKind]? = nil, mode: RouteMode? = nil, locale: String? = nil) {
        self.template = template
        self.channels = channels
        self.mode = mode
        self.locale = locale
    }
}

/// `delay: {for: 2h}` or `delay: {until: data.path, at: "09:00"?}`.
public enum WorkflowDelay: Sendable, Hashable {
    /// Pause for this many seconds.
    case duration(TimeInterval)
    /// Pause until the date or date-time at this data path, in the recipient's time zone unless
    /// it carries an offset; a date alone means `at` (default 00:00) on that day.
    case until(DataPath, at: TimeOfDay?)
}

/// What a `wait` waits for.
public enum WaitTarget: String, Sendable, Hashable, CaseIterable {
    /// Any delivery of the previous send reached `delivered` (or `read`).
    case delivered
    /// Any delivery of the previous send reached `read`.
    case read
    /// The reward the run sent was redeemed (a `reward.redeemed` event).
    case redeemed
}

/// `wait: {for, within}` with the step's `else: {send: …}`.
public struct WorkflowWait: Sendable, Hashable {
    /// `for:`.
    public var target: WaitTarget
    /// `within:` seconds, more than zero.
    public var within: TimeInterval
    /// `else: {send: …}`: sent when `within` passes first; the run then goes on either way.
    public var otherwise: WorkflowSend?

    /// Creates a wait.
    public init(target: WaitTarget, within: TimeInterval, otherwise: WorkflowSend? = nil) {
        self.target = target
        self.within = within
        self.otherwise = otherwise
    }
}

/// `digest: {window: 1h | until: "18:00", key?, send: {…}}`.
public struct WorkflowDigest: Sendable, Hashable {
    /// When the collected events go out.
    public enum Window: Sendable, Hashable {
        /// This long after the first event of the digest.
        case duration(TimeInterval)
        /// At the next occurrence of this time in the recipient's time zone.
        case until(TimeOfDay)
    }

    /// `window:` or `until:`.
    public var window: Window
    /// `key:` the data path whose value groups events; `nil` = the recipient key.
    public var key: DataPath?
    /// `send:` the one message, whose template sees the events as `events`.
    public var send: WorkflowSend

    /// Creates a digest.
    public init(window: Window, key: DataPath? = nil, send: WorkflowSend) {
        self.window = window
        self.key = key
        self.send = send
    }
}

/// `throttle: {limit, per, then: skip|digest}`, counted per recipient key and workflow.
public struct WorkflowThrottle: Sendable, Hashable {
    /// What happens to a run over the limit.
    public enum Overflow: String, Sendable, Hashable, CaseIterable {
        /// The run ends here, its remaining steps skipped as throttled.
        case skip
        /// The run goes straight to the workflow's next `digest` step and is folded into it.
        case digest
    }

    /// `limit:` runs let through per period (1–10,000).
    public var limit: Int
    /// `per:` the period in seconds.
    public var per: TimeInterval
    /// `then:` default `skip`.
    public var overflow: Overflow

    /// Creates a throttle.
    public init(limit: Int, per: TimeInterval, overflow: Overflow = .skip) {
        self.limit = limit
        self.per = per
        self.overflow = overflow
    }
}

/// `remind: {before, offset, at?, template, channels?, mode?, locale?, unless?}`.
public struct WorkflowRemind: Sendable, Hashable {
    /// `before:` data path of a date or date-time (e.g. `data.reward.expires_on`).
    public var before: DataPath
    /// `offset:` how long before that moment, seconds (zero or more).
    public var offset: TimeInterval
    /// `at:` the time of day, in the recipient's time zone, the reminder goes out on its day.
    public var at: TimeOfDay?
    /// The reminder message (`template`, `channels`, `mode`, `locale` are keys of `remind`).
    public var send: WorkflowSend
    /// `unless: redeemed`: skipped when the reward was redeemed first.
    public var unlessRedeemed: Bool

    /// Creates a reminder.
    public init(before: DataPath, offset: TimeInterval, at: TimeOfDay? = nil, send: WorkflowSend, unlessRedeemed: Bool = false) {
        self.before = before
        self.offset = offset
        self.at = at
        self.send = send
        self.unlessRedeemed = unlessRedeemed
    }
}

