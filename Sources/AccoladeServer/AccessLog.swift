import AccoladeCore
import Foundation
import Hummingbird
import Logging
import Metrics
import Synchronization

/// One structured log line and the request metrics per request: id, method, route pattern,
/// status and duration. Never logs headers or bodies, so tokens and secret variables stay out.
/// ``APIEdgeMiddleware`` records every request, whatever answered it.
struct AccessLog: Sendable {
    let logger: Logger
    private let series = Series()

    init(logger: Logger) {
        self.logger = logger
    }

    func record(_ request: Request, context: BasicRequestContext, status: HTTPResponse.Status, elapsed: Duration) {
        // The route pattern (`/v1/messages/{id}`), not the raw path: bounded label cardinality.
        let route = context.endpointPath ?? "unmatched"
        let (count, duration) = series.handles(method: request.method.rawValue, route: route, status: status.code)
        count.increment()
        duration.recordNanoseconds(elapsed.nanoseconds)
        logger.info(
            "request",
            metadata: [
                "request.id": "\(context.id)", "http.method": "\(request.method.rawValue)", "http.route": "\(route)",
                "http.status": "\(status.code)",
                "duration_ms": "\((elapsed.seconds * 1000 * 1000).rounded() / 1000)",
            ])
    }

    /// The request counter and duration timer of each method, route and status, made once: making
    /// a metric asks the Prometheus registry, which validates the name and every label and looks
    /// the series up under its lock — twice a request, a visible share of a short one. Bounded:
    /// past ``capacity`` series (only odd methods get there) handles are made per request again.
    final class Series: Sendable {
        struct Key: Hashable {
            var method: String
            var route: String
            var status: Int
        }

        static let capacity = 1024
        private let known = Mutex<[Key: (Counter, Timer)]>([:])

        func handles(method: String, route: String, status: Int) -> (Counter, Timer) {
            let key = Key(method: method, route: route, status: status)
            if let handles = known.withLock({ $0[key] }) { return handles }
            let handles = (
                Counter(label: "accolade_api_requests_total", dimensions: [("method", method), ("route", route), ("status", String(status))]),
                Timer(label: "accolade_api_request_duration_seconds", dimensions: [("route", route)])
            )
            known.withLock { if $0.count < Self.capacity { $0[key] = handles } }
            return handles
        }
    }
}
