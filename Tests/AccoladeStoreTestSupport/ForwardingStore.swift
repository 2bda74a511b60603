import AccoladeCore
import AccoladeStores
import Foundation

/// Forwards every `Store` call to SQLite; subclasses override the calls a test wants to watch or change.
open class ForwardingStore: Store, @unchecked Sendable {
    /// The store every call goes to.
    public let base: SQLiteStore

    /// Wraps `base`.
    public init(_ base: SQLiteStore) { self.base = base }

    open func workSignals() -> AsyncStream<Void>? { nil }
    open func migrate() async throws { try await base.migrate() }
    open func enqueue(_ requests: [EnqueueRequest]) async throws -> [EnqueueResult] { try await base.enqueue(requests) }
    open func claim(owner: String, limit: Int, now: Date, lease: TimeInterval, channels: Set<ChannelKind>?) async throws -> [ClaimedDelivery] {
        try await base.claim(owner: owner, limit: limit, now: now, lease: lease, channels: channels)
    }
    open func extendLeases(owner: String, deliveryIDs: [String], now: Date, lease: TimeInterval) async throws -> Int {
        try await base.extendLeases(owner: owner, deliveryIDs: deliveryIDs, now: now, lease: lease)
    }
    open func fault(of error: any Error) -> StoreFault { base.fault(of: error) }
    open func recordPause(_ pause: ProviderPause) async throws { try await base.recordPause(pause) }
    open func clearPause(channel: ChannelKind) async throws { try await base.clearPause(channel: channel) }
    open func providerPauses() async throws -> [ProviderPause] { try await base.providerPauses() }
    open func complete(_ updates: [DeliveryUpdate]) async throws -> Int { try await base.complete(updates) }
    open func release(owner: String, deliveryIDs: [String], now: Date) async throws -> Int {
        try await base.release(owner: owner, deliveryIDs: deliveryIDs, now: now)
    }
    open func rescueExpiredLeases(now: Date, maxAttempts: Int, sparing: [String]) async throws -> Int {
        try await base.rescueExpiredLeases(now: now, maxAttempts: maxAttempts, sparing: sparing)
    }
    open func requeueFailed(deliveryIDs: [String]?, now: Date) async throws -> [String] {
        try await base.requeueFailed(deliveryIDs: deliveryIDs, now: now)
    }
    open func message(id: String) async throws -> Message? { try await base.message(id: id) }
    open func delivery(id: String) async throws -> Delivery? { try await base.delivery(id: id) }
    open func recordSoftBounce(address: String, deliveryID: String, at: Date, since: Date) async throws -> Int {
        try await base.recordSoftBounce(address: address, deliveryID: deliveryID, at: at, since: since)
    }
    open func engagementHistory(recipientKey: String, cohort: String, now: Date) async throws -> EngagementHistory {
        try await base.engagementHistory(recipientKey: recipientKey, cohort: cohort, now: now)
    }
    open func preferences(recipientKey: String) async throws -> [Preference] { try await base.preferences(recipientKey: recipientKey) }
    open func setPreferences(_ choices: [Preference]) async throws -> Int { try await base.setPreferences(choices) }
    open func deliveries(messageID: String) async throws -> [Delivery] { try await base.deliveries(messageID: messageID) }
    open func deliveries(messageIDs: [String]) async throws -> [String: [Delivery]] { try await base.deliveries(messageIDs: messageIDs) }
    open func attempts(messageID: String) async throws -> [Attempt] { try await base.attempts(messageID: messageID) }
    open func receipts(messageID: String) async throws -> [Receipt] { try await base.receipts(messageID: messageID) }
    open func recordReceipt(_ report: ReceiptReport) async throws -> ReceiptOutcome { try await base.recordReceipt(report) }
    open func sweepUnmatchedReceipts(now: Date, receivedBefore cutoff: Date) async throws -> UnmatchedReceiptSweep {
        try await base.sweepUnmatchedReceipts(now: now, receivedBefore: cutoff)
    }
    open func deliveryID(providerMessageID: String) async throws -> String? {
        try await base.deliveryID(providerMessageID: providerMessageID)
    }
    open func messages(matching query: MessageQuery) async throws -> [Message] { try await base.messages(matching: query) }
    open func deliveries(inStates states: Set<DeliveryState>, limit: Int) async throws -> [Delivery] {
        try await base.deliveries(inStates: states, limit: limit)
    }
    open func snapshot(now: Date) async throws -> QueueSnapshot { try await base.snapshot(now: now) }
    open func countDeliveries(inStates states: Set<DeliveryState>, channels: Set<ChannelKind>?) async throws -> Int {
        try await base.countDeliveries(inStates: states, channels: channels)
    }
    open func suppression(channel: ChannelKind, address: String) async throws -> Suppression? {
        try await base.suppression(channel: channel, address: address)
    }
    open func suppress(_ entries: [Suppression]) async throws -> Int { try await base.suppress(entries) }
    open func unsuppress(channel: ChannelKind, address: String) async throws -> Bool {
        try await base.unsuppress(channel: channel, address: address)
    }
    open func suppressions(channel: ChannelKind?, after address: String?, limit: Int) async throws -> [Suppression] {
        try await base.suppressions(channel: channel, after: address, limit: limit)
    }
    open func recordInbound(channel: ChannelKind, address: String, at time: Date) async throws {
        try await base.recordInbound(channel: channel, address: address, at: time)
    }
    open func lastInbound(channel: ChannelKind, address: String) async throws -> Date? {
        try await base.lastInbound(channel: channel, address: address)
    }
    open func writeInboxItems(_ items: [NewInboxItem]) async throws -> [InboxItem] { try await base.writeInboxItems(items) }
    open func inboxPage(recipientKey: String, status: InboxStatus, before: Int64?, limit: Int) async throws -> InboxPage {
        try await base.inboxPage(recipientKey: recipientKey, status: status, before: before, limit: limit)
    }
    open func inboxItems(recipientKey: String, after sequence: Int64, limit: Int) async throws -> [InboxItem] {
        try await base.inboxItems(recipientKey: recipientKey, after: sequence, limit: limit)
    }
    open func inboxItem(id: String, recipientKey: String) async throws -> InboxItem? {
        try await base.inboxItem(id: id, recipientKey: recipientKey)
    }
    open func markInbox(_ mark: InboxMark, _ selection: InboxSelection, recipientKey: String, at time: Date) async throws
        -> InboxMarkResult
    {
        try await base.markInbox(mark, selection, recipientKey: recipientKey, at: time)
    }
    open func inboxHead(recipientKey: String) async throws -> InboxHead { try await base.inboxHead(recipientKey: recipientKey) }
    open func inboxVersion(recipientKey: String) async throws -> Int64 { try await base.inboxVersion(recipientKey: recipientKey) }
    open func inboxChanges(after mark: Int64, limit: Int) async throws -> InboxFeedChanges {
        try await base.inboxChanges(after: mark, limit: limit)
    }
    open func inboxSignals() -> AsyncStream<InboxSignal>? { base.inboxSignals() }
    open func startRuns(_ runs: [WorkflowRun]) async throws -> [RunStartResult] { try await base.startRuns(runs) }
    open func claimRuns(owner: String, limit: Int, now: Date, lease: TimeInterval) async throws -> [ClaimedRun] {
        try await base.claimRuns(owner: owner, limit: limit, now: now, lease: lease)
    }
    open func extendRunLeases(owner: String, runIDs: [String], now: Date, lease: TimeInterval) async throws -> Int {
        try await base.extendRunLeases(owner: owner, runIDs: runIDs, now: now, lease: lease)
    }
    open func advanceRun(_ advance: RunAdvance) async throws -> Bool { try await base.advanceRun(advance) }
    open func releaseRuns(owner: String, runIDs: [String], now: Date) async throws -> Int {
        try await base.releaseRuns(owner: owner, runIDs: runIDs, now: now)
    }
    open func cancelRuns(cancellationKey: String, now: Date) async throws -> RunCancellation {
        try await base.cancelRuns(cancellationKey: cancellationKey, now: now)
    }
    open func reportRollups(periods: [Range<Int64>], by: [ReportDimension]) async throws -> [RollupRow] {
        try await base.reportRollups(periods: periods, by: by)
    }
    open func rebuildReportRollups() async throws { try await base.rebuildReportRollups() }
    open func failureReasons(since: Date, until: Date, limit: Int) async throws -> [FailureReason] {
        try await base.failureReasons(since: since, until: until, limit: limit)
    }
    open func recordRedemption(messageID: String?, rewardCode: String?, at time: Date, value: MicroMoney?) async throws -> [String] {
        try await base.recordRedemption(messageID: messageID, rewardCode: rewardCode, at: time, value: value)
    }
    open func run(id: String) async throws -> WorkflowRun? { try await base.run(id: id) }
    open func runSteps(runID: String) async throws -> [RunStepRecord] { try await base.runSteps(runID: runID) }
    open func runs(matching query: RunQuery) async throws -> [WorkflowRun] { try await base.runs(matching: query) }
}
