import AccoladeCore
import AccoladeRuntime
import Foundation
import HTTPTypes
import Hummingbird

extension APIServer {
    func addEventRoutes(to group: RouterGroup<BasicRequestContext>) {
        group.post("events") { request, _ in try await self.postEvent(request) }
        group.post("events/cancel") { request, _ in try await self.cancelEvents(request) }
        group.get("runs") { request, _ in try await self.storeWork("list runs") { try await self.listRuns(request) } }
        group.get("runs/{id}") { _, context in
            let id = try context.parameters.require("id")
            return try await self.storeWork("read a run") { try await self.getRun(id) }
        }
    }

    /// `POST /v1/events`: `202` once the runs are durable (`200` when every run is a replay),
    /// `207` when some recipients' keys conflict, `409` when the only recipient's does, `422` invalid.
    func postEvent(_ request: Request) async throws -> Response {
        let body = try await HTTPJSON.body(request, limit: deps.config.maxBodyBytes)
        let event: EventRequest
        do throws(ValidationError) {
            event = try EventRequestDecoder.decode(body, idempotencyKey: request.headers[.idempotencyKey])
        } catch {
            throw Problem.invalid(error)
        }
        // A validation error is the caller's (422); anything else from the store is a 503.
        let outcome = try await storeWork("start runs") {
            do { return try await deps.events.trigger(event) } catch let error as ValidationError { throw Problem.invalid(error) }
        }
        switch outcome {
        case .redeemed(let runIDs):
            return HTTPJSON.response(
                .object(["event": .string(event.event), "runs": .array([]), "redeemed_runs": .array(runIDs.map(JSONValue.string))]),
                status: .accepted)
        case .runs(let perRecipient):
            return eventResponse(event, perRecipient)
        }
    }

    private func eventResponse(_ event: EventRequest, _ perRecipient: [RecipientRuns]) -> Response {
        var runs: [JSONValue] = []
        var results: [JSONValue] = []
        var conflicts = 0
        var created = 0
        for recipient in perRecipient {
            var entry: [String: JSONValue] = ["index": .int(Int64(recipient.index)), "recipient_key": .string(recipient.recipientKey)]
            let started = recipient.results.compactMap { RunJSON.started($0, recipientIndex: recipient.index, recipientKey: recipient.recipientKey) }
            runs += started
            entry["runs"] = .array(started.compactMap { $0.objectValue?["id"] })
            if recipient.hasConflict {
                conflicts += 1
                let existing = recipient.results.compactMap { if case .conflict(let id) = $0 { id } else { nil } }
                let problem = Self.eventConflict(key: event.idempotencyKey ?? "", recipientKey: recipient.recipientKey, existing: existing)
                entry["http_status"] = .int(409)
                entry["problem"] = problem.json(instance: nil)
            } else {
                let fresh = recipient.results.contains { if case .created = $0 { true } else { false } }
                if fresh || recipient.results.isEmpty { created += 1 }
                entry["http_status"] = .int(fresh || recipient.results.isEmpty ? 202 : 200)
            }
            results.append(.object(entry))
        }
        if conflicts > 0, perRecipient.count == 1, let only = perRecipient.first {
            let existing = only.results.compactMap { if case .conflict(let id) = $0 { id } else { nil } }
            return Self.eventConflict(key: event.idempotencyKey ?? "", recipientKey: only.recipientKey, existing: existing).response(instance: nil)
        }
        let body: JSONValue = .object(["event": .string(event.event), "runs": .array(runs), "results": .array(results)])
        if conflicts > 0 { return HTTPJSON.response(body, status: HTTPResponse.Status(code: 207)) }
        if created == 0 { return HTTPJSON.response(body, status: .ok, headers: [.idempotentReplayed: "true"]) }
        return HTTPJSON.response(body, status: .accepted)
    }

    static func eventConflict(key: String, recipientKey: String, existing: [String]) -> Problem {
        Problem(
            .conflict, kind: "idempotency-conflict", title: "Idempotency key reused",
            detail: "idempotency key \"\(key)\" was already used for recipient \(recipientKey) with a different event (run \(existing.joined(separator: ", "))); use a new key, or resend the original event to get its result",
            field: "idempotency_key", extra: ["existing_run_ids": .array(existing.map(JSONValue.string))])
    }

    /// `POST /v1/events/cancel` `{cancellation_key}`: every unfinished run with that key stops;
    /// deliveries not yet claimed are cancelled, one already being sent finishes.
    func cancelEvents(_ request: Request) async throws -> Response {
        let body = try await HTTPJSON.body(request, limit: deps.config.maxBodyBytes)
        guard let object = body.objectValue else { throw Problem.invalid(ValidationError(field: "body", reason: "must be a JSON object")) }
        if let unknown = object.keys.first(where: { $0 != "cancellation_key" }) {
            throw Problem.invalid(ValidationError(field: unknown, reason: "unknown field; a cancellation has only cancellation_key"))
        }
        guard let key = object["cancellation_key"]?.stringValue else {
            throw Problem.invalid(ValidationError(field: "cancellation_key", reason: "required: the key given when the event was sent"))
        }
        let result = try await storeWork("cancel runs") {
            do { return try await deps.events.cancel(cancellationKey: key) } catch let error as ValidationError { throw Problem.invalid(error) }
        }
        return HTTPJSON.response(
            .object([
                "cancellation_key": .string(key), "cancelled_runs": .array(result.runIDs.map(JSONValue.string)),
                "cancelled_deliveries": .int(Int64(result.cancelledDeliveries)),
            ]))
    }
}
