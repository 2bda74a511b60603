import Foundation
import HTTPTypes
import Hummingbird

/// Answers `405 Method Not Allowed` with an `Allow` header when the path is one of the API's but
/// the method is not, instead of the router's `404` (RFC 9110 §15.5.6): ``APIEdgeMiddleware``
/// calls ``check(_:)`` before routing.
///
/// Paths are matched as OpenAPI matches them: a literal segment wins over a parameter, so
/// `GET /v1/messages/batch` is a wrong method on the batch route, not a lookup of message "batch".
struct MethodTable: Sendable {
    /// One route pattern and the methods it answers.
    struct Pattern: Sendable {
        var segments: [Substring?]  // nil: a parameter
        var methods: Set<String>
    }

    let patterns: [Pattern]
    /// The methods of each pattern without parameters, by its path as a request spells it
    /// (`/v1/inbox/items`): a request for one of those with one of its methods is let through
    /// with one lookup, the common case, instead of matching every pattern.
    let literalPaths: [String: Set<String>]

    /// Builds the table from `METHOD path` pairs (`GET /v1/messages/{id}` or `:id`).
    init(routes: [(method: String, path: String)]) {
        var byPath: [[Substring?]: Set<String>] = [:]
        for route in routes {
            let segments: [Substring?] = route.path.split(separator: "/").map { segment in
                segment.hasPrefix("{") || segment.hasPrefix(":") ? nil : segment
            }
            byPath[segments, default: []].insert(route.method)
        }
        patterns = byPath.map { Pattern(segments: $0.key, methods: $0.value) }
        var literalPaths: [String: Set<String>] = [:]
        for pattern in patterns where !pattern.segments.contains(nil) {
            literalPaths["/" + pattern.segments.compactMap { $0 }.joined(separator: "/")] = pattern.methods
        }
        self.literalPaths = literalPaths
    }

    /// Throws the `405` when the request's path is a route's but its method is not.
    func check(_ request: Request) throws(Problem) {
        // An all-literal pattern equal to the path is the most specific match there can be.
        if literalPaths[request.uri.path]?.contains(request.method.rawValue) == true { return }
        let path = request.uri.path.split(separator: "/")
        guard let best = mostSpecific(matching: path), !best.methods.contains(request.method.rawValue) else { return }
        let allow = best.methods.sorted().joined(separator: ", ")
        throw Problem(
            .methodNotAllowed, kind: "method-not-allowed", title: "Method not allowed",
            detail: "\(request.method) is not allowed on \(request.uri.path); use \(allow) (GET /openapi.yaml lists the API)",
            headers: [.allow: allow])
    }

    /// The matching pattern with literals earliest, or `nil` when no route has this path.
    func mostSpecific(matching path: [Substring]) -> Pattern? {
        let matching = patterns.filter { pattern in
            pattern.segments.count == path.count && zip(pattern.segments, path).allSatisfy { $0 == nil || $0 == $1 }
        }
        return matching.max { a, b in
            // Compare left to right: the first segment where one is literal and the other not decides.
            for (x, y) in zip(a.segments, b.segments) where (x == nil) != (y == nil) { return x == nil }
            return false
        }
    }
}
