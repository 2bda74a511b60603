import AccoladeCore
import Foundation
import Hummingbird
import Logging
import Metrics

/// One structured log line and the request metrics per request: id, method, route pattern,
/// status and duration. Never logs headers or bodies, so tokens and secret variables stay out.
struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        // The route pattern (`/v1/messages/{id}`), not the raw path: bounded label cardinality.
        let route = context.endpointPath ?? "unmatched"
        let status = response.status.code
        let dimensions = [("method", request.method.rawValue), ("route", route), ("status", String(status))]
        Counter(label: "accolade_api_requests_total", dimensions: dimensions).increment()
        Timer(label: "accolade_api_request_duration_seconds", dimensions: [("route", route)]).recordNanoseconds(elapsed.nanoseconds)
        logger.info(
            "request",
            metadata: [
                "request.id": "\(context.id)", "http.method": "\(request.method.rawValue)", "http.route": "\(route)",
                "http.status": "\(status)",
                "duration_ms": "\((elapsed.seconds * 1000 * 1000).rounded() / 1000)",
            ])
        return response
    }
}
