import Foundation
import Hummingbird
import Logging

/// Turns every error a route throws into an RFC 9457 problem response, so clients parse one
/// error shape. Unexpected errors become a `500` that names the request id (for the logs)
/// without leaking internals. ``APIEdgeMiddleware`` applies it to every request.
struct ProblemResponses: Sendable {
    let logger: Logger

    func response(for error: any Error, request: Request, context: BasicRequestContext) -> Response {
        switch error {
        case let problem as Problem:
            return problem.response(instance: request.uri.path)
        case let error as any HTTPResponseError:
            let problem: Problem
            switch error.status {
            case .notFound:
                problem = .notFound("no route \(request.method) \(request.uri.path); GET /openapi.yaml lists the API")
            case .contentTooLarge:
                problem = .tooLarge(limit: context.maxUploadSize)
            case .methodNotAllowed:
                problem = Problem(
                    .methodNotAllowed, kind: "method-not-allowed", title: "Method not allowed",
                    detail: "\(request.method) is not allowed on \(request.uri.path); GET /openapi.yaml lists the API")
            default:
                problem = Problem(error.status, kind: "http-\(error.status.code)", title: error.status.reasonPhrase, detail: "\(error)")
            }
            return problem.response(instance: request.uri.path)
        default:
            logger.error(
                "request failed", metadata: ["request.id": "\(context.id)", "route": "\(context.endpointPath ?? "-")", "error": "\(error)"])
            return Problem(
                .internalServerError, kind: "internal-error", title: "Internal error",
                detail: "the server could not complete the request (request id \(context.id)); it is safe to retry with the same Idempotency-Key"
            ).response(instance: request.uri.path)
        }
    }
}
