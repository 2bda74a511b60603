import AccoladeCore
import Foundation
import HTTPTypes
import Hummingbird

/// CORS for the browser-facing inbox routes (every path under `/v1/inbox/` except
/// `/v1/inbox/tokens` and the public widget and demo files), from `channels.inbox.allowed_origins`.
///
/// - A request whose `Origin` is the server's own (`Origin` authority equals `Host`, as for the
///   demo page Accolade serves) needs nothing and passes.
/// - An `Origin` on the list gets `Access-Control-Allow-Origin` with that origin echoed, on
///   answers and on error problems alike (the widget must be able to read a `401
///   token-expired`); a preflight (`OPTIONS` with `Access-Control-Request-Method`) is answered
///   `204` here, before routing, so feed routes need no `OPTIONS` handlers of their own.
/// - Any other `Origin` is refused with `403` before the route runs, so a page that is not
///   allowed cannot even cause side effects (marking items read) with a token it got hold of.
///
/// Never `*` and never `Access-Control-Allow-Credentials`: inbox tokens travel in a header or
/// the query, not in cookies, so no ambient credential is ever sent cross-origin. Every answer
/// on these paths carries `Vary: Origin`, so caches keep one copy per origin.
///
/// `/v1/inbox/tokens` is left out on purpose: it takes the API token, which only servers hold;
/// without CORS headers a browser page cannot read its answers even if it tried.
struct InboxCORSMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The paths this applies to start with this.
    static var prefix: String { "/v1/inbox/" }
    /// Server-to-server paths under the prefix.
    static var serverOnly: Set<String> { ["/v1/inbox/tokens"] }
    /// Public files under the prefix (the widget, the demo page): no credential, no side
    /// effect, so any page may load them; `widget.js` answers `Access-Control-Allow-Origin: *`
    /// itself (``InboxAssets``).
    static var publicFiles: Set<String> { ["/v1/inbox/widget.js", "/v1/inbox/demo", "/v1/inbox/demo.js", "/v1/inbox/demo.css"] }
    /// What a preflight allows.
    static var methods: String { "GET, POST" }
    static var requestHeaders: String { "Authorization, Content-Type, Last-Event-ID" }
    /// How long a browser may cache a preflight answer, seconds.
    static var maxAge: String { "600" }

    let config: InboxChannelConfig

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix(Self.prefix), !Self.serverOnly.contains(path), !Self.publicFiles.contains(path) else {
            return try await next(request, context)
        }
        var headers: HTTPFields = [.vary: "Origin"]
        if let origin = request.headers[.origin], !Self.isSameOrigin(origin, authority: request.head.authority) {
            guard config.allows(origin: origin) else {
                throw Problem(
                    .forbidden, kind: "origin-not-allowed", title: "Origin not allowed",
                    detail: "pages from \(origin.prefix(100)) may not call the inbox; add the origin to channels.inbox.allowed_origins",
                    headers: headers)
            }
            headers[.accessControlAllowOrigin] = origin
            if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
                headers[.vary] = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
                headers[.accessControlAllowMethods] = Self.methods
                headers[.accessControlAllowHeaders] = Self.requestHeaders
                headers[.accessControlMaxAge] = Self.maxAge
                return Response(status: .noContent, headers: headers)
            }
            headers[.accessControlExposeHeaders] = "Retry-After, WWW-Authenticate"
        }
        do {
            var response = try await next(request, context)
            for field in headers { response.headers[field.name] = field.value }
            return response
        } catch var problem as Problem {
            for field in headers { problem.headers[field.name] = field.value }
            throw problem
        }
    }

    /// Whether `Origin` names the host the request was sent to (a page Accolade served itself).
    static func isSameOrigin(_ origin: String, authority: String?) -> Bool {
        guard let authority, let separator = origin.range(of: "://") else { return false }
        return origin[separator.upperBound...].lowercased() == authority.lowercased()
    }
}
