// TEMPORARY (lead's branch only, never committed): until the store helper's implementation lands.
import AccoladeCore
import Foundation
struct RunStoreStubError: Error {}
extension SQLiteStore {
    public func startRuns(_ runs: [WorkflowRun]) async throws -> [RunStartResult] { throw RunStoreStubError() }
    public func claimRuns(owner: String, limit: Int, now: Date, lease: TimeInterval) async throws -> [ClaimedRun] { [] }
    public func extendRunLeases(owner: String, runIDs: [String], now: Date, lease: TimeInterval) async throws -> Int { 0 }
    public func advanceRun(_ advance: RunAdvance) async throws -> Bool { false }
    public func releaseRuns(owner: String, runIDs: [String], now: Date) async throws -> Int { 0 }
    public func cancelRuns(cancellationKey: String, now: Date) async throws -> RunCancellation { throw RunStoreStubError() }
    public func recordRedemption(messageID: String?, rewardCode: String?, at time: Date) async throws -> [String] { [] }
    public func run(id: String) async throws -> WorkflowRun? { nil }
    public func runSteps(runID: String) async throws -> [RunStepRecord] { [] }
    public func runs(matching query: RunQuery) async throws -> [WorkflowRun] { [] }
}
extension PostgresStore {
    public func startRuns(_ runs: [WorkflowRun]) async throws -> [RunStartResult] { throw RunStoreStubError() }
    public func claimRuns(owner: String, limit: Int, now: Date, lease: TimeInterval) async throws -> [ClaimedRun] { [] }
    public func extendRunLeases(owner: String, runIDs: [String], now: Date, lease: TimeInterval) async throws -> Int { 0 }
    public func advanceRun(_ advance: RunAdvance) async throws -> Bool { false }
    public func releaseRuns(owner: String, runIDs: [String], now: Date) async throws -> Int { 0 }
    public func cancelRuns(cancellationKey: String, now: Date) async throws -> RunCancellation { throw RunStoreStubError() }
    public func recordRedemption(messageID: String?, rewardCode: String?, at time: Date) async throws -> [String] { [] }
    public func run(id: String) async throws -> WorkflowRun? { nil }
    public func runSteps(runID: String) async throws -> [RunStepRecord] { [] }
    public func runs(matching query: RunQuery) async throws -> [WorkflowRun] { [] }
}
