import AccoladeCore
import AccoladeRuntime
import Foundation
import Hummingbird

extension APIServer {
    /// `GET /v1/runs/{id}`: the run, every step record, and the steps still ahead.
    func getRun(_ id: String) async throws -> Response {
        guard let run = try await deps.store.run(id: id) else { throw Problem.notFound("no run \(id)") }
        let steps = try await deps.store.runSteps(runID: id)
        return HTTPJSON.response(RunJSON.run(run, steps: steps, definition: deps.workflows[run.workflow]))
    }

    /// `GET /v1/runs?workflow=&recipient=&state=&cancellation_key=&limit=&cursor=`: newest first.
    func listRuns(_ request: Request) async throws -> Response {
        let q = request.uri.queryParameters
        let allowed: Set<String> = ["workflow", "recipient", "state", "cancellation_key", "limit", "cursor"]
        if let unknown = q.map({ String($0.key) }).first(where: { !allowed.contains($0) }) {
            throw Problem.invalid(ValidationError(field: unknown, reason: "unknown query parameter; use \(allowed.sorted().joined(separator: ", "))"))
        }
        var query = RunQuery()
        query.workflow = q.get("workflow")
        query.recipientKey = q.get("recipient")
        query.cancellationKey = q.get("cancellation_key")
        if let state = q.get("state") {
            guard let value = RunState(rawValue: state) else {
                throw Problem.invalid(ValidationError(field: "state", reason: "unknown state; one of \(RunState.allCases.map(\.rawValue).joined(separator: ", "))"))
            }
            query.states = [value]
        }
        if let limit = q.get("limit") {
            guard let n = Int(limit), (1...500).contains(n) else {
                throw Problem.invalid(ValidationError(field: "limit", reason: "must be a whole number from 1 to 500"))
            }
            query.limit = n
        }
        query.before = q.get("cursor")
        let page = try await deps.store.runs(matching: query)
        var body: [String: JSONValue] = ["runs": .array(page.map { RunJSON.run($0, steps: nil, definition: nil) })]
        if page.count == query.limit, let last = page.last { body["next_cursor"] = .string(last.id) }
        return HTTPJSON.response(.object(body))
    }
}
