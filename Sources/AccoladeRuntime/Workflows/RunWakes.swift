/// "A run may be due now": the event trigger in this process tells the run worker in this
/// process, so a run started by `POST /v1/events` begins at once instead of at the next poll.
/// Workers in other processes find it at their poll (`worker.poll_interval`).
public final class RunWakes: Sendable {
    /// The worker's end: at most one pending wake is kept (more say nothing new).
    public let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    /// Creates a wake channel.
    public init() {
        (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Wakes the worker (cheap; never blocks).
    public func wake() { continuation.yield() }
}
