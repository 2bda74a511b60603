import AccoladeCore
import Foundation
import Synchronization
import Testing

@testable import AccoladeRuntime

@Suite struct StoreCallDeadlineTests {
    let deadline = StoreCallDeadline(seconds: 0.2, clock: SystemWallClock())

    @Test func anAnswerInTimeIsPassedOn() async throws {
        #expect(try await deadline.run("claim") { 42 } == 42)
        await #expect(throws: OutageStore.Unavailable.self) {
            try await deadline.run("claim") { () async throws -> Int in throw OutageStore.Unavailable() }
        }
    }

    @Test func aCallThatNeverAnswersIsAbandonedAtTheDeadline() async throws {
        // The body never returns, so getting the timeout at all shows the deadline freed the caller.
        await #expect(throws: StoreCallTimeout.self) {
            try await deadline.run("complete") { () async throws -> Int in
                // A driver that lost its connection without noticing: ignores cancellation too.
                await withCheckedContinuation { (_: CheckedContinuation<Void, Never>) in }
                return 0
            }
        }
    }
}
