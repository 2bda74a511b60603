import AccoladeCore
import Foundation
import Hummingbird
import Logging
import Metrics

/// One structured log line and the request metrics per request: id, method, route pattern,
/// status and duration. Never logs headers or bodies, so tokens and secret variables stay out.
/// ``APIEdgeMiddleware`` records every request, whatever answered it.
struct AccessLog: Sendable {
    let logger: Logger

    func record(_ request: Request, context: BasicRequestContext, status: HTTPResponse.Status, elapsed: Duration) {
        // The route pattern (`/v1/messages/{id}`), not the raw path: bounded label cardinality.
        let route = context.endpointPath ?? "unmatched"
        let dimensions = [("method", request.method.rawValue), ("route", route), ("status", String(status.code))]
        Counter(label: "accolade_api_requests_total", dimensions: dimensions).increment()
        Timer(label: "accolade_api_request_duration_seconds", dimensions: [("route", route)]).recordNanoseconds(elapsed.nanoseconds)
        logger.info(
            "request",
            metadata: [
                "request.id": "\(context.id)", "http.method": "\(request.method.rawValue)", "http.route": "\(route)",
                "http.status": "\(status.code)",
                "duration_ms": "\((elapsed.seconds * 1000 * 1000).rounded() / 1000)",
            ])
    }
}
