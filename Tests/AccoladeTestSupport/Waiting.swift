/// Thrown by ``waitUntil(_:timeout:every:_:)`` when the condition still does not hold at the
/// deadline; its description says what was awaited, so the failing test says what did not happen.
public struct WaitTimedOut: Error, CustomStringConvertible {
    /// What the test was waiting for.
    public var what: String
    /// How long it waited.
    public var timeout: Duration

    public var description: String { "timed out after \(timeout) waiting until \(what)" }
}

/// Waits until `condition` holds, checking every `interval`, and throws ``WaitTimedOut`` at the
/// deadline: the one way tests wait for something another task or process does, instead of a
/// fixed sleep (too short under load, wasted time otherwise) or an unbounded loop (a hang).
///
/// The deadline is generous on purpose: it bounds a failure, it is not a speed requirement. Two
/// minutes, because the whole suite starts at once on two cores and a test that starts in that
/// crowd can wait half a minute for its first turn (seen: 20 fast deliveries took over 30 s).
public func waitUntil(
    _ what: String, timeout: Duration = .seconds(120), every interval: Duration = .milliseconds(10),
    _ condition: () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while try await !condition() {
        guard clock.now < deadline else { throw WaitTimedOut(what: what, timeout: timeout) }
        try await Task.sleep(for: interval)
    }
}
