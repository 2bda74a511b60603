import Hummingbird

/// The router-wide middleware: four concerns in one layer, from the outside in — the access log
/// and request metrics (``AccessLog``), one RFC 9457 problem shape for every error
/// (``ProblemResponses``), CORS for the browser-facing inbox paths (``InboxCORS``, before the
/// method check, so a preflight needs no `OPTIONS` route) and `405` for a known path with a wrong
/// method (``MethodTable``).
///
/// Why one layer, not four middlewares: Hummingbird runs each middleware as an existential that
/// calls the next through a closure, so every layer is an indirect async call with a frame of its
/// own, and a middleware generic over its context runs unspecialised code. On
/// `GET /v1/inbox/items`, the hottest route, four layers cost a measurable share of the request
/// (`scripts/bench-inbox.sh`); one non-generic layer calling plain functions does the same work.
struct APIEdgeMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    let log: AccessLog
    let problems: ProblemResponses
    /// `nil` without `channels.inbox`.
    let cors: InboxCORS?
    let methods: MethodTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response: Response
        do {
            response = try await admitted(request, context: context, next: next)
        } catch {
            response = problems.response(for: error, request: request, context: context)
        }
        log.record(request, context: context, status: response.status, elapsed: ContinuousClock.now - start)
        return response
    }

    /// The route's answer, once CORS and the method check let the request through; a CORS path's
    /// answer and problems carry its headers.
    private func admitted(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let cors, let admission = try cors.admit(request) else {
            try methods.check(request)
            return try await next(request, context)
        }
        let headers: HTTPFields
        switch admission {
        case .preflight(let answer): return answer
        case .pass(let fields): headers = fields
        }
        do {
            try methods.check(request)
            var response = try await next(request, context)
            for field in headers { response.headers[field.name] = field.value }
            return response
        } catch var problem as Problem {
            for field in headers { problem.headers[field.name] = field.value }
            throw problem
        }
    }
}
