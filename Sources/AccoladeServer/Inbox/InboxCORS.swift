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
///
/// ``APIEdgeMiddleware`` asks ``admit(_:)`` before the method check and adds the headers it
/// returns to the route's answer or problem.
struct InboxCORS: Sendable {
    /// What ``admit(_:)`` decided for a request on a CORS path.
    enum Admission {
        /// Let the request through; add these headers to its answer or problem.
        case pass(HTTPFields)
        /// A preflight, answered here.
        case preflight(Response)
    }

    /// The paths this applies to start with this.
    static let prefix: String = "/v1/inbox/"
    /// Server-to-server paths under the prefix.
    static let serverOnly: Set<String> = ["/v1/inbox/tokens"]
    /// Public files under the prefix (the widget, the demo page): no credential, no side
    /// effect, so any page may load them; `widget.js` answers `Access-Control-Allow-Origin: *`
    /// itself (``InboxAssets``).
    static let publicFiles: Set<String> = ["/v1/inbox/widget.js", "/v1/inbox/demo", "/v1/inbox/demo.js", "/v1/inbox/demo.css"]
    /// What a preflight allows.
    static let methods: String = "GET, POST"
    static let requestHeaders: String = "Authorization, Content-Type, Last-Event-ID"
    /// How long a browser may cache a preflight answer, seconds.
    static let maxAge: String = "600"

    let config: InboxChannelConfig

    /// nil when the path is not a CORS path (not under the prefix, server-only or public);
    /// throws the `403` for an origin that is not allowed.
    func admit(_ request: Request) throws(Problem) -> Admission? {
        let path = request.uri.path
        guard path.hasPrefix(Self.prefix), !Self.serverOnly.contains(path), !Self.publicFiles.contains(path) else { return nil }
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
                return .preflight(Response(status: .noContent, headers: headers))
            }
            headers[.accessControlExposeHeaders] = "Retry-After, WWW-Authenticate"
        }
        return .pass(headers)
    }

    /// Whether `Origin` names the host the request was sent to (a page Accolade served itself).
    static func isSameOrigin(_ origin: String, authority: String?) -> Bool {
        guard let authority, let separator = origin.range(of: "://") else { return false }
        return origin[separator.upperBound...].lowercased() == authority.lowercased()
    }
}
