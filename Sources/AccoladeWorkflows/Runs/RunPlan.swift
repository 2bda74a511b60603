import AccoladeCore
import Foundation

/// What ``WorkflowRunner/advance(_:now:)`` decided for one claimed run: the messages to enqueue,
/// the step records to write, and where the run goes next.
///
/// The worker enqueues each ``PlannedSend`` as an ordinary message with its idempotency key,
/// puts the message ids into the records (``advance(runID:leaseOwner:messageIDs:now:)``) and
/// hands the result to ``WorkflowRunStore/advanceRun(_:)``. Planning again for the same claimed
/// run gives the same sends with the same keys, so a worker that crashed in between replays
/// the messages instead of sending them twice.
public struct RunPlan: Sendable, Hashable {
    /// Messages to enqueue, in step order.
    public var sends: [PlannedSend]
    /// Step records, in order (a send's record waits for its message id).
    public var records: [RunStepRecord]
    /// Where the run goes next.
    public var next: RunNext

    /// Creates a plan.
    public init(sends: [PlannedSend], records: [RunStepRecord], next: RunNext) {
        self.sends = sends
        self.records = records
        self.next = next
    }

    /// The advance to hand to the store once the sends are enqueued: `messageIDs[i]` is the id
    /// of the message enqueued for `sends[i]` (nil when none was), written into that send's
    /// record; the run's ``WorkflowRun/lastMessageID`` becomes the last message made, which a
    /// later `wait` looks at (a send that made none — skipped — leaves the one before it).
    public func advance(runID: String, leaseOwner: String, messageIDs: [String?], now: Date) -> RunAdvance {
        precondition(messageIDs.count == sends.count, "one message id (or nil) per planned send")
        var records = records
        for (send, id) in zip(sends, messageIDs) { records[send.recordIndex].messageID = id }
        return RunAdvance(runID: runID, leaseOwner: leaseOwner, records: records, lastMessageID: messageIDs.last(where: { $0 != nil }) ?? nil, next: next, now: now)
    }

    /// The plan cut short at `sends[index]`, whose message could not be enqueued (its template no
    /// longer renders this data, a channel was removed): the sends before it stand (they are
    /// enqueued), that step gets a `failed` record with `reason`, and the run fails. Hand
    /// ``advance(runID:leaseOwner:messageIDs:now:)`` of the result the ids of those earlier sends.
    public func failing(sendAt index: Int, reason: String) -> RunPlan {
        let failed = sends[index]
        let record = records[failed.recordIndex]
        var kept = Array(records[..<failed.recordIndex])
        kept.append(RunStepRecord(step: record.step, kind: record.kind, outcome: .failed, reason: reason, at: record.at))
        return RunPlan(
            sends: Array(sends[..<index]), records: kept, next: .finish(.failed, reason: "steps[\(record.step)].\(record.kind): " + reason))
    }
}

/// One message a step sends: built by the worker like `POST /v1/messages` would (template,
/// channels, mode, locale from ``send``; the run's recipient; ``data``).
public struct PlannedSend: Sendable, Hashable {
    /// The step's index (a `wait`'s `else` uses the wait's index: one send per step at most).
    public var step: Int
    /// Template, channels, mode, locale.
    public var send: WorkflowSend
    /// What the template sees as `data`: the run's data; for a digest, plus `events`.
    public var data: JSONValue
    /// ``WorkflowRun/sendIdempotencyKey(runID:step:)``: the same on every re-execution.
    public var idempotencyKey: String
    /// The index in ``RunPlan/records`` of the `sent` record whose message id the worker fills in.
    public var recordIndex: Int

    /// Creates a planned send.
    public init(step: Int, send: WorkflowSend, data: JSONValue, idempotencyKey: String, recordIndex: Int) {
        self.step = step
        self.send = send
        self.data = data
        self.idempotencyKey = idempotencyKey
        self.recordIndex = recordIndex
    }

    /// What a digest's template sees: the run's data with `events` set to the collected events'
    /// data, oldest first (data that is not an object is replaced by one holding only `events`).
    public static func digestData(_ data: JSONValue, events: [JSONValue]) -> JSONValue {
        var object = data.objectValue ?? [:]
        object["events"] = .array(events)
        return .object(object)
    }
}
