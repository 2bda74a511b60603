import AccoladeCore
import AccoladeRuntime
import Foundation
import HTTPTypes
import Hummingbird

extension APIServer {
    /// Largest batch accepted by `POST /v1/messages/batch`.
    static let maxBatch = 1000

    func addMessageRoutes(to group: RouterGroup<BasicRequestContext>) {
        group.post("messages") { request, _ in try await self.postMessage(request) }
        group.post("messages/batch") { request, _ in try await self.postBatch(request) }
        // Reads and requeues touch nothing but the store: any failure there is the store's (503).
        group.get("messages") { request, _ in try await self.storeWork("list messages") { try await self.listMessages(request) } }
        group.get("messages/{id}") { _, context in
            let id = try context.parameters.require("id")
            return try await self.storeWork("read a message") { try await self.getMessage(id) }
        }
        group.post("messages/{id}/retry") { _, context in
            let id = try context.parameters.require("id")
            return try await self.storeWork("requeue a message") { try await self.retry(id) }
        }
    }

    /// `POST /v1/messages`: 202 once durable, 200 for a replay, 409 for a reused key, 422 invalid.
    func postMessage(_ request: Request) async throws -> Response {
        let body = try await HTTPJSON.body(request, limit: deps.config.maxBodyBytes)
        let key = request.headers[.idempotencyKey]
        let send: SendRequest
        do throws(ValidationError) {
            send = try MessageRequestDecoder.decode(body, idempotencyKey: key)
        } catch {
            throw Problem.invalid(error)
        }
        switch try await storeWork("enqueue", { try await deps.dispatcher.send(send, through: coalescer) }) {
        case .accepted(let message, let deliveries):
            return HTTPJSON.response(
                MessageJSON.accepted(message, deliveries, status: "accepted"), status: .accepted,
                headers: [.location: "/v1/messages/\(message.id)"])
        case .replayed(let message, let deliveries):
            return HTTPJSON.response(
                MessageJSON.accepted(message, deliveries, status: "replayed"), status: .ok,
                headers: [.location: "/v1/messages/\(message.id)", .idempotentReplayed: "true"])
        case .rejected(let rejection):
            throw Self.problem(rejection)
        }
    }

    /// `POST /v1/messages/batch`: `{messages:[…]}` → one transaction for every valid item,
    /// per-item results in input order. Invalid items are reported and do not stop the others.
    func postBatch(_ request: Request) async throws -> Response {
        let body = try await HTTPJSON.body(request, limit: deps.config.maxBodyBytes)
        guard let object = body.objectValue, case .array(let items)? = object["messages"] else {
            throw Problem.invalid(ValidationError(field: "messages", reason: "required: {\"messages\": [ … up to \(Self.maxBatch) messages … ]}"))
        }
        if let unknown = object.keys.first(where: { $0 != "messages" }) {
            throw Problem.invalid(ValidationError(field: unknown, reason: "unknown field; a batch has only \"messages\""))
        }
        guard !items.isEmpty, items.count <= Self.maxBatch else {
            throw Problem.invalid(ValidationError(field: "messages", reason: "must hold 1 to \(Self.maxBatch) messages (got \(items.count))"))
        }
        var results = [JSONValue?](repeating: nil, count: items.count)
        var requests: [(index: Int, request: SendRequest)] = []
        for (i, item) in items.enumerated() {
            do throws(ValidationError) {
                requests.append((i, try MessageRequestDecoder.decode(item, path: "messages[\(i)]", idempotencyKey: nil)))
            } catch {
                results[i] = Self.itemProblem(Problem.invalid(error), index: i)
            }
        }
        let outcomes = try await storeWork("enqueue a batch") { try await deps.dispatcher.send(requests.map(\.request)) }
        var accepted = 0
        for ((index, _), outcome) in zip(requests, outcomes) {
            switch outcome {
            case .accepted(let m, let d):
                accepted += 1
                results[index] = Self.item(MessageJSON.accepted(m, d, status: "accepted"), index: index, status: 202)
            case .replayed(let m, let d):
                results[index] = Self.item(MessageJSON.accepted(m, d, status: "replayed"), index: index, status: 200)
            case .rejected(let rejection):
                var problem = Self.problem(rejection)
                if case .invalid(let e) = rejection { problem.field = "messages[\(index)].\(e.field)" }
                results[index] = Self.itemProblem(problem, index: index)
            }
        }
        let rejected = results.filter { $0?.objectValue?["problem"] != nil }.count
        return HTTPJSON.response(
            .object([
                "accepted": .int(Int64(accepted)), "rejected": .int(Int64(rejected)),
                "results": .array(results.map { $0 ?? .null }),
            ]),
            status: rejected == 0 ? .accepted : HTTPResponse.Status(code: 207))
    }

    /// `GET /v1/messages/{id}`: the message, its deliveries, every attempt and receipt.
    func getMessage(_ id: String) async throws -> Response {
        guard let message = try await deps.store.message(id: id) else {
            throw Problem.notFound("no message \(id)")
        }
        async let deliveries = deps.store.deliveries(messageID: id)
        async let attempts = deps.store.attempts(messageID: id)
        async let receipts = deps.store.receipts(messageID: id)
        return HTTPJSON.response(
            MessageJSON.message(
                message, data: deps.templates.maskedData(message.data, template: message.template),
                deliveries: try await deliveries, attempts: try await attempts, receipts: try await receipts))
    }

    /// `GET /v1/messages?recipient=&since=&state=&limit=&cursor=`: newest first, paged by cursor.
    func listMessages(_ request: Request) async throws -> Response {
        let q = request.uri.queryParameters
        var query = MessageQuery()
        let allowed: Set<String> = ["recipient", "since", "state", "limit", "cursor"]
        if let unknown = q.map({ String($0.key) }).first(where: { !allowed.contains($0) }) {
            throw Problem.invalid(ValidationError(field: unknown, reason: "unknown query parameter; use \(allowed.sorted().joined(separator: ", "))"))
        }
        query.recipient = q.get("recipient")
        if let since = q.get("since") {
            guard let date = ISOTime.parseRFC3339(since) else {
                throw Problem.invalid(ValidationError(field: "since", reason: "must be an RFC 3339 time with a zone, e.g. 2026-11-01T00:00:00Z"))
            }
            query.since = date
        }
        if let state = q.get("state") {
            guard let value = DeliveryState(rawValue: state) else {
                throw Problem.invalid(ValidationError(field: "state", reason: "unknown state; one of \(DeliveryState.allCases.map(\.rawValue).joined(separator: ", "))"))
            }
            query.state = value
        }
        if let limit = q.get("limit") {
            guard let n = Int(limit), (1...500).contains(n) else {
                throw Problem.invalid(ValidationError(field: "limit", reason: "must be a whole number from 1 to 500"))
            }
            query.limit = n
        }
        query.before = q.get("cursor")
        let page = try await deps.store.messages(matching: query)
        // One query for the whole page's deliveries, not one per message.
        let deliveries = try await deps.store.deliveries(messageIDs: page.map(\.id))
        let items = page.map { m in
            MessageJSON.message(m, data: deps.templates.maskedData(m.data, template: m.template), deliveries: deliveries[m.id] ?? [])
        }
        var body: [String: JSONValue] = ["messages": .array(items)]
        if page.count == query.limit, let last = page.last { body["next_cursor"] = .string(last.id) }
        return HTTPJSON.response(.object(body))
    }

    /// `POST /v1/messages/{id}/retry`: failed deliveries of the message go back to the queue now.
    func retry(_ id: String) async throws -> Response {
        guard try await deps.store.message(id: id) != nil else { throw Problem.notFound("no message \(id)") }
        let failed = try await deps.store.deliveries(messageID: id).filter { $0.state == .failed }.map(\.id)
        let requeued = failed.isEmpty ? [] : try await deps.store.requeueFailed(deliveryIDs: failed, now: deps.clock.now())
        let deliveries = try await deps.store.deliveries(messageID: id)
        return HTTPJSON.response(
            .object([
                "id": .string(id), "requeued": .array(requeued.map(JSONValue.string)),
                "deliveries": .array(deliveries.map(MessageJSON.delivery)),
            ]))
    }

    static func problem(_ rejection: SendRejection) -> Problem {
        switch rejection {
        case .invalid(let error):
            return .invalid(error)
        case .idempotencyConflict(let key, let existing):
            return Problem(
                .conflict, kind: "idempotency-conflict", title: "Idempotency key reused",
                detail: "Idempotency-Key \"\(key)\" was already used for message \(existing) with a different request; use a new key, or resend the original request to get its result",
                field: "Idempotency-Key", extra: ["existing_message_id": .string(existing)])
        }
    }

    static func item(_ body: JSONValue, index: Int, status: Int) -> JSONValue {
        var o = body.objectValue ?? [:]
        o["index"] = .int(Int64(index))
        o["http_status"] = .int(Int64(status))
        return .object(o)
    }

    static func itemProblem(_ problem: Problem, index: Int) -> JSONValue {
        .object(["index": .int(Int64(index)), "http_status": .int(Int64(problem.status.code)), "problem": problem.json(instance: nil)])
    }
}

extension HTTPField.Name {
    /// `Idempotency-Key` (IETF draft): one message per key.
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    /// Set on a replayed response, as Stripe and others do.
    static let idempotentReplayed = HTTPField.Name("Idempotent-Replayed")!
    /// `Referrer-Policy` (not among swift-http-types' names).
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
}
