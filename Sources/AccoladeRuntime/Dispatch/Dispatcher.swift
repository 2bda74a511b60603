import AccoladeCore
import AccoladeWorkflows
import Foundation
import Logging

/// Turns send requests into durable messages: validate, render every channel, then enqueue.
///
/// Nothing is queued for a request that fails any check, so a missing variable or a bad address
/// is reported to the caller instead of becoming a half-rendered message.
public struct Dispatcher: Sendable {
    let store: any Store
    let renderer: any MessageRenderer
    let channels: ChannelRegistry
    let clock: any WallClock
    let logger: Logger
    /// The declared categories a request may name.
    public let categories: CategoriesConfig
    /// How `send_at: optimal` picks a time (configuration `optimal`).
    public var optimalPicker = OptimalSendPicker()
    /// The quiet hours and send windows a picked time must respect (the claim-time check is the same).
    public var timing = SendTiming()
    /// Where a message's programme is read from (``ReportsConfig/programmePath``).
    public let programmePath: String

    /// Creates a dispatcher; `categories` are the names a request may use (`rewards` always).
    public init(
        store: any Store, renderer: any MessageRenderer, channels: ChannelRegistry, clock: any WallClock, logger: Logger,
        categories: CategoriesConfig = CategoriesConfig(), programmePath: String = ReportsConfig().programmePath
    ) {
        self.programmePath = programmePath
        self.categories = categories
        self.store = store
        self.renderer = renderer
        self.channels = channels
        self.clock = clock
        self.logger = logger
    }

    /// Validates and renders one request without queueing it, returning the planned message.
    public func prepare(_ request: SendRequest) throws(ValidationError) -> EnqueueRequest {
        let now = clock.now()
        try SendValidation.check(request, now: now)
        if request.optimalSendAt, request.sendAt != nil {
            throw ValidationError(field: "send_at", reason: "is either a time or \"optimal\", not both")
        }
        guard renderer.hasTemplate(request.template) else {
            throw ValidationError(field: "template", reason: "unknown template \"\(request.template)\"; `accolade templates list` shows the known ones")
        }
        let category = try resolveCategory(request)
        let route = try resolveRoute(request)
        let locale = request.locale ?? request.recipient.locale
        for kind in route.channels {
            guard let channel = channels[kind] else {
                if let reason = channels.disabledReason(kind) {
                    throw ValidationError(field: "channels", reason: "channel \(kind) cannot send: \(reason)")
                }
                throw ValidationError(field: "channels", reason: "channel \(kind) is not configured (add channels.\(kind) to the configuration)")
            }
            try channel.validate(recipient: request.recipient)
        }
        // Who it goes to first, then what it says: the data's shape, then every channel's render.
        try renderer.validateData(template: request.template, data: request.data)
        for kind in route.channels {
            guard let channel = channels[kind] else { continue }
            let content: RenderedContent
            do {
                content = try renderer.renderContent(
                    template: request.template, channel: kind, locale: locale, data: request.data,
                    recipient: request.recipient)
            } catch {
                throw ValidationError(renderFailure: error)
            }
            try channel.validate(content: content)
        }
        let id = Identifier.make(now: now)
        var message = Message(
            id: id, template: request.template, locale: locale, recipient: request.recipient, data: request.data,
            route: route, idempotencyKey: request.idempotencyKey,
            fingerprint: Fingerprint.of(
                template: request.template, locale: locale, recipient: request.recipient, data: request.data,
                route: route, sendAt: request.sendAt, expiresAt: request.expiresAt, category: request.category,
                optimal: request.optimalSendAt),
            createdAt: now, sendAt: request.sendAt, expiresAt: request.expiresAt, category: category)
        // Read once here, so reports group and add up what the message said when it was accepted.
        message.setValues(
            MessageValues.read(
                data: request.data, template: request.template, programmePath: programmePath,
                rewardPaths: request.workflowRewardValuePaths + renderer.rewardValuePaths(of: request.template)))
        message.workflow = request.workflow
        let deliveries = DeliveryStateMachine.plan(for: message, now: now) { Identifier.make(now: now) }
        return EnqueueRequest(message: message, deliveries: deliveries)
    }

    /// Validates every request and enqueues the valid ones in one transaction; results in input order.
    ///
    /// Validation renders every routed channel, which costs far more than the insert, so large
    /// batches are prepared on all cores before the single write transaction.
    public func send(_ requests: [SendRequest]) async throws -> [SendOutcome] {
        var outcomes = [SendOutcome?](repeating: nil, count: requests.count)
        var prepared: [(index: Int, request: EnqueueRequest)] = []
        for (i, result) in await prepareAll(requests).enumerated() {
            switch result {
            case .success(let request): prepared.append((i, request))
            case .failure(let error): outcomes[i] = .rejected(.invalid(error))
            }
        }
        for (n, item) in prepared.enumerated() where requests[item.index].optimalSendAt {
            prepared[n].request = try await pickSendTime(item.request)
        }
        let results = prepared.isEmpty ? [] : try await store.enqueue(prepared.map(\.request))
        for ((index, enqueued), result) in zip(prepared, results) {
            outcomes[index] = outcome(of: enqueued, result)
        }
        return outcomes.map { $0! }
    }

    /// Validates and renders one request, then stores it through `coalescer`, sharing the
    /// durable commit with other concurrent sends (the HTTP API's single-message path).
    public func send(_ request: SendRequest, through coalescer: EnqueueCoalescer) async throws -> SendOutcome {
        var prepared: EnqueueRequest
        do throws(ValidationError) {
            prepared = try prepare(request)
        } catch {
            return .rejected(.invalid(error))
        }
        if request.optimalSendAt { prepared = try await pickSendTime(prepared) }
        return outcome(of: prepared, try await coalescer.enqueue(prepared))
    }

    private func outcome(of enqueued: EnqueueRequest, _ result: EnqueueResult) -> SendOutcome {
        switch result {
        case .created(let m, let d):
            logger.debug(
                "message accepted",
                metadata: ["message.id": "\(m.id)", "template": "\(m.template)", "route": "\(m.route.channels.map(\.rawValue).joined(separator: ","))"])
            return .accepted(m, d)
        case .replayed(let m, let d):
            return .replayed(m, d)
        case .conflict(let existing):
            return .rejected(.idempotencyConflict(key: enqueued.message.idempotencyKey ?? "", existingMessageID: existing))
        }
    }

    private func prepareAll(_ requests: [SendRequest]) async -> [Result<EnqueueRequest, ValidationError>] {
        let dispatcher = self
        let prepareOne: @Sendable (SendRequest) -> Result<EnqueueRequest, ValidationError> = { request in
            do throws(ValidationError) { return .success(try dispatcher.prepare(request)) } catch { return .failure(error) }
        }
        let chunkSize = 128
        guard requests.count > chunkSize else { return requests.map(prepareOne) }
        return await withTaskGroup(of: (Int, [Result<EnqueueRequest, ValidationError>]).self) { group in
            for start in stride(from: 0, to: requests.count, by: chunkSize) {
                let chunk = requests[start..<min(start + chunkSize, requests.count)]
                group.addTask { (start, chunk.map(prepareOne)) }
            }
            var results = [Result<EnqueueRequest, ValidationError>?](repeating: nil, count: requests.count)
            for await (start, chunk) in group {
                for (offset, result) in chunk.enumerated() { results[start + offset] = result }
            }
            return results.map { $0! }
        }
    }

    /// Picks the route: the requested channels, or every configured channel the template has a
    /// part for and the recipient has an address for.
    /// The request's category, else the workflow's, else the template manifest's, else
    /// `rewards`; an undeclared name is refused. Workflows and manifests were checked against
    /// the configuration at start-up, but a running process may meet a template changed since.
    private func resolveCategory(_ request: SendRequest) throws(ValidationError) -> String {
        if let name = request.category {
            if let problem = categories.problem(with: name) { throw ValidationError(field: "category", reason: problem) }
            return name
        }
        let name = request.workflowCategory ?? renderer.category(of: request.template) ?? CategoriesConfig.defaultName
        if let problem = categories.problem(with: name) {
            let source = request.workflowCategory != nil ? "the workflow's category" : "template \(request.template)'s category"
            throw ValidationError(field: "category", reason: "\(source): \(problem)")
        }
        return name
    }

    private func resolveRoute(_ request: SendRequest) throws(ValidationError) -> Route {
        let mode = request.mode ?? .all
        let templateChannels = renderer.channels(of: request.template)
        if let requested = request.channels {
            guard !requested.isEmpty else { throw ValidationError(field: "channels", reason: "must name at least one channel") }
            guard Set(requested).count == requested.count else {
                throw ValidationError(field: "channels", reason: "names a channel twice")
            }
            for kind in requested where !templateChannels.contains(kind) {
                throw ValidationError(field: "channels", reason: "template \"\(request.template)\" has no \(kind) part")
            }
            return Route(channels: requested, mode: mode)
        }
        let reachable = channels.kinds.filter { templateChannels.contains($0) && SendValidation.hasAddress(request.recipient, for: $0) }
        guard !reachable.isEmpty else {
            let configured = channels.kinds.map(\.rawValue).joined(separator: ", ")
            let disabled = SendRequest.defaultOrder.compactMap { channels.disabledReason($0) }
            throw ValidationError(
                field: "to",
                reason: "no configured channel can reach this recipient with template \"\(request.template)\" (configured: \(configured.isEmpty ? "none" : configured)); give an address for one of them"
                    + disabled.map { "; \($0)" }.joined())
        }
        return Route(channels: reachable, mode: mode)
    }
}
